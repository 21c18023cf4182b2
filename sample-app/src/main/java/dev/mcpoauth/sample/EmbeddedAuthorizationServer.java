package dev.mcpoauth.sample;

import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The sample's own authorization server (Spring Authorization Server, configured under
 * {@code spring.security.oauth2.authorizationserver.*}). Its access tokens are audience-bound to the MCP endpoint
 * (RFC 8707), so the starter accepts them; they are verified in-process, against the same key set.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!external-idp")
class EmbeddedAuthorizationServer {

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> mcpAudience(@Value("${mcp.oauth.server.resource}") String resource) {
		return (context) -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				context.getClaims().audience(List.of(resource));
			}
		};
	}

}
