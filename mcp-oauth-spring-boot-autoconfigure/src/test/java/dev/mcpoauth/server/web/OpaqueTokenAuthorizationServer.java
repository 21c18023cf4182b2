package dev.mcpoauth.server.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenClaimsContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * A real authorization server issuing opaque (reference) access tokens, for introspection tests: Spring
 * Authorization Server as its own application on a loopback port, serving RFC 8414 metadata with its
 * {@code introspection_endpoint} ({@code /oauth2/introspect}) and {@code /oauth2/revoke}. Its issuer is
 * {@code http://localhost:<port>}. Clients (secret {@code <client-id>-secret} where there is one):
 * <ul>
 * <li>{@code mcp-client}: gets reference tokens for the MCP resource, with {@code mcp:tools} and {@code mcp:admin};</li>
 * <li>{@code other-client}: gets reference tokens for another resource;</li>
 * <li>{@code introspector-basic}, {@code introspector-post}: the MCP server, with client_secret_basic or _post;</li>
 * <li>{@code introspector-jwt}: the MCP server with private_key_jwt (ES256), keys at {@code introspector-jwks}.</li>
 * </ul>
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class OpaqueTokenAuthorizationServer {

	static final String OTHER_RESOURCE = "https://other.example/mcp";

	@Bean
	OAuth2TokenCustomizer<OAuth2TokenClaimsContext> audience(Environment environment) {
		String audience = environment.getRequiredProperty("test-as.audience");
		return (context) -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				boolean other = "other-client".equals(context.getRegisteredClient().getClientId());
				context.getClaims().audience(List.of(other ? OTHER_RESOURCE : audience));
			}
		};
	}

	/**
	 * Start the authorization server.
	 * @param audience the {@code aud} of {@code mcp-client}'s tokens
	 * @param introspectorJwks the JWK Set URL of {@code introspector-jwt}
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(String audience, String introspectorJwks) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.config.name", "opaque-token-as");
		properties.put("server.port", 0);
		properties.put("spring.main.banner-mode", "off");
		properties.put("test-as.audience", audience);
		client(properties, "mcp-client", "client_secret_basic", "mcp:tools,mcp:admin");
		client(properties, "other-client", "client_secret_basic", "mcp:tools");
		client(properties, "introspector-basic", "client_secret_basic", null);
		client(properties, "introspector-post", "client_secret_post", null);
		String jwtClient = client(properties, "introspector-jwt", "private_key_jwt", null);
		properties.remove(jwtClient + "registration.client-secret");
		properties.put(jwtClient + "jwk-set-uri", introspectorJwks);
		properties.put(jwtClient + "token-endpoint-authentication-signing-algorithm", "ES256");
		return new SpringApplicationBuilder(OpaqueTokenAuthorizationServer.class).properties(properties).run();
	}

	private static String client(Map<String, Object> properties, String id, String method, String scopes) {
		String prefix = "spring.security.oauth2.authorizationserver.client." + id + ".";
		properties.put(prefix + "registration.client-id", id);
		properties.put(prefix + "registration.client-secret", "{noop}" + id + "-secret");
		properties.put(prefix + "registration.client-authentication-methods", method);
		properties.put(prefix + "registration.authorization-grant-types", "client_credentials");
		if (scopes != null) {
			properties.put(prefix + "registration.scopes", scopes);
		}
		properties.put(prefix + "token.access-token-format", "reference");
		return prefix;
	}

	static String url(ConfigurableApplicationContext context) {
		return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
