package dev.mcpoauth.server.challenge;

import java.util.function.BiFunction;

import reactor.core.publisher.Mono;

import dev.mcpoauth.server.RequestOrigin;
import dev.mcpoauth.server.ServerRequestOrigin;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes a {@link BearerChallenges} answer to a reactive response, for the reactive entry point and access-denied
 * handler: the status and {@code WWW-Authenticate}, with an empty body.
 */
final class ServerChallengeResponses {

	private ServerChallengeResponses() {
	}

	static Mono<Void> write(ServerWebExchange exchange,
			BiFunction<RequestOrigin, String, BearerChallenges.Challenge> decision) {
		return Mono.defer(() -> {
			BearerChallenges.Challenge challenge = decision.apply(ServerRequestOrigin.of(exchange.getRequest()),
					exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
			ServerHttpResponse response = exchange.getResponse();
			response.getHeaders().remove(HttpHeaders.WWW_AUTHENTICATE);
			challenge.headers().forEach((header) -> response.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, header));
			response.setStatusCode(challenge.status());
			return response.setComplete();
		});
	}

}
