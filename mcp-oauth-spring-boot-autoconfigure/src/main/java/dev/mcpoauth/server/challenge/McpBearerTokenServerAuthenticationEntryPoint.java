package dev.mcpoauth.server.challenge;

import java.util.List;

import reactor.core.publisher.Mono;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;

/**
 * The reactive twin of {@link McpBearerTokenAuthenticationEntryPoint}: the same 401 (or bearer error status) and
 * {@code WWW-Authenticate} challenge, decided by {@link BearerChallenges}, with an empty body.
 */
public final class McpBearerTokenServerAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

	private final BearerChallenges challenges;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenServerAuthenticationEntryPoint(McpProtectedResource resource, List<String> requiredScopes) {
		this.challenges = new BearerChallenges(resource, requiredScopes, ChallengeSchemes.bearerOnly());
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException authException) {
		return ServerChallengeResponses.write(exchange,
				(origin, authorization) -> this.challenges.unauthorized(origin, authorization, authException));
	}

}
