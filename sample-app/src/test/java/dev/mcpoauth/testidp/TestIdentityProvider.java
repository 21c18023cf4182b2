package dev.mcpoauth.testidp;

import java.util.List;
import java.util.Map;

import dev.mcpoauth.Jwts;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * A real OAuth authorization server for tests: Spring Authorization Server as its own application on a loopback
 * port, standing in for an external identity provider. Clients: {@code rs-client} (RS256 tokens for the MCP
 * resource), {@code es-client} (ES256 tokens for the MCP resource) and {@code other-client} (tokens for another
 * resource). The secret of each is {@code <client-id>-secret}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestIdentityProvider {

	@Bean
	RotatingJwkSource jwkSource() {
		return new RotatingJwkSource(Jwts.rsa(), Jwts.ec());
	}

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> audienceAndAlgorithm(Environment environment) {
		String audience = environment.getRequiredProperty("test-idp.audience");
		return (context) -> {
			if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				return;
			}
			String clientId = context.getRegisteredClient().getClientId();
			context.getClaims().audience(List.of("other-client".equals(clientId) ? "https://other.example/mcp" : audience));
			if ("es-client".equals(clientId)) {
				context.getJwsHeader().algorithm(SignatureAlgorithm.ES256);
			}
		};
	}

	/**
	 * Start the identity provider.
	 * @param port its loopback port; its issuer is {@code http://localhost:<port>}
	 * @param audience the {@code aud} of its access tokens
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(int port, String audience) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(TestIdentityProvider.class)
			.properties(Map.of("spring.config.name", "test-idp", "server.port", port, "spring.ai.mcp.server.enabled",
					false, "spring.security.oauth2.authorizationserver.issuer", "http://localhost:" + port,
					"test-idp.audience", audience));
		for (String client : List.of("rs-client", "es-client", "other-client")) {
			String prefix = "spring.security.oauth2.authorizationserver.client." + client + ".registration.";
			builder.properties(Map.of(prefix + "client-id", client, prefix + "client-secret", "{noop}" + client + "-secret",
					prefix + "client-authentication-methods", "client_secret_basic", prefix
							+ "authorization-grant-types", "client_credentials", prefix + "scopes",
					"mcp:tools,mcp:admin"));
		}
		return builder.run();
	}

}
