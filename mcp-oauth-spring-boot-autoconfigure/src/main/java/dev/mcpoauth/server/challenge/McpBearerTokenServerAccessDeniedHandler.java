package dev.mcpoauth.server.challenge;

import java.util.List;

import reactor.core.publisher.Mono;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * The reactive twin of {@link McpBearerTokenAccessDeniedHandler}: the same 403 {@code insufficient_scope}
 * challenge, decided by {@link BearerChallenges}, with an empty body.
 */
public final class McpBearerTokenServerAccessDeniedHandler implements ServerAccessDeniedHandler {

	private final BearerChallenges challenges;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenServerAccessDeniedHandler(McpProtectedResource resource, List<String> requiredScopes) {
		this.challenges = new BearerChallenges(resource, requiredScopes, ChallengeSchemes.bearerOnly());
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
		return ServerChallengeResponses.write(exchange, (origin, authorization) -> this.challenges.forbidden(origin, authorization, denied));
	}

}
