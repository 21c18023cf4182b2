package dev.mcpoauth.compat;

import java.util.List;

import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

/**
 * An MCP server (Spring AI, tools by annotation) protected by the starter, its own authorization server (Spring
 * Authorization Server from properties), and a Spring AI MCP client that calls the server through the starter: what
 * a user builds from the README, with nothing else.
 */
@SpringBootApplication
public class CompatibilityApplication {

	public static void main(String[] args) {
		SpringApplication.run(CompatibilityApplication.class, args);
	}

	/** Access tokens of the embedded authorization server name the MCP endpoint as their audience (RFC 8707). */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> mcpAudience(@Value("${mcp.oauth.server.resource}") String resource) {
		return (context) -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				context.getClaims().audience(List.of(resource));
			}
		};
	}

	/** The tools: {@code whoami} needs the endpoint's scope, {@code admin-report} also {@code mcp:admin}. */
	@Component
	static class Tools {

		@McpTool(name = "whoami", description = "The subject of the caller's token")
		String whoami() {
			return "subject=" + SecurityContextHolder.getContext().getAuthentication().getName();
		}

		@McpTool(name = "admin-report", description = "Only for callers with mcp:admin")
		String adminReport() {
			return "admin report for " + SecurityContextHolder.getContext().getAuthentication().getName();
		}

	}

}
