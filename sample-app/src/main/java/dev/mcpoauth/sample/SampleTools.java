package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * The sample's MCP tools. {@code whoami} needs only the endpoint's scope; {@code admin-report} also needs
 * {@code mcp:admin}, enforced by {@code mcp.oauth.server.tool-scopes} before the call reaches the tool. Both read the
 * caller from Spring Security's context, where the starter put the validated token: a
 * {@code JwtAuthenticationToken} for a JWT verified locally, a {@code BearerTokenAuthentication} for an introspected
 * token, both with the token's claims as attributes.
 */
@Configuration(proxyBeanMethods = false)
class SampleTools {

	private static final Map<String, Object> NO_ARGUMENTS = Map.of("type", "object", "properties", Map.of());

	@Bean
	List<SyncToolSpecification> mcpTools() {
		Tool whoami = Tool.builder()
			.name("whoami")
			.description("Tells who is calling: subject, audience and scopes of the access token")
			.inputSchema(NO_ARGUMENTS)
			.build();
		Tool adminReport = Tool.builder()
			.name("admin-report")
			.description("A report only callers with the mcp:admin scope may read")
			.inputSchema(NO_ARGUMENTS)
			.build();
		return List.of(
				SyncToolSpecification.builder()
					.tool(whoami)
					.callHandler((exchange, request) -> text(describeCaller()))
					.build(),
				SyncToolSpecification.builder()
					.tool(adminReport)
					.callHandler((exchange, request) -> text("admin report for " + describeCaller()))
					.build());
	}

	private static String describeCaller() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token)) {
			return "unknown caller";
		}
		TreeSet<String> scopes = new TreeSet<>();
		for (GrantedAuthority authority : token.getAuthorities()) {
			String name = authority.getAuthority();
			if (name != null && name.startsWith("SCOPE_")) {
				scopes.add(name.substring("SCOPE_".length()));
			}
		}
		return "subject=" + token.getName() + " audience=" + audiences(token.getTokenAttributes().get("aud")) + " scopes="
				+ String.join(" ", scopes);
	}

	private static List<?> audiences(Object aud) {
		return (aud instanceof List<?> several) ? several : (aud != null) ? List.of(aud) : List.of();
	}

	private static CallToolResult text(String text) {
		return CallToolResult.builder().addTextContent(text).build();
	}

}
