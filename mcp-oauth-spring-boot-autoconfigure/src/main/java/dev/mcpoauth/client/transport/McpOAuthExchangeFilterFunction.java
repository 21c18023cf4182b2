package dev.mcpoauth.client.transport;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.mcpoauth.client.McpAuthorization;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Attaches a registration's token to requests of a Spring {@code WebClient}, and replays a request after 401, and
 * after 403 {@code insufficient_scope} with a wider token up to the step-up limit. Token requests are blocking
 * calls and run on Reactor's bounded elastic scheduler.
 */
public final class McpOAuthExchangeFilterFunction implements ExchangeFilterFunction {

	private final McpAuthorization authorization;

	private final int maxReplays;

	/**
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 */
	public McpOAuthExchangeFilterFunction(McpAuthorization authorization, int maxStepUps) {
		this.authorization = authorization;
		this.maxReplays = 1 + maxStepUps;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return exchange(request, next, 0);
	}

	private Mono<ClientResponse> exchange(ClientRequest original, ExchangeFunction next, int replays) {
		return Mono.fromCallable(() -> withToken(original))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((request) -> next.exchange(request).flatMap((response) -> {
				int status = response.statusCode().value();
				if ((status != 401 && status != 403) || replays >= this.maxReplays) {
					return Mono.just(response);
				}
				return Mono
					.fromCallable(() -> this.authorization.onErrorResponse(status,
							response.headers().header(HttpHeaders.WWW_AUTHENTICATE),
							request.headers().getFirst(HttpHeaders.AUTHORIZATION)))
					.subscribeOn(Schedulers.boundedElastic())
					.flatMap((replay) -> replay
							? response.releaseBody().then(exchange(original, next, replays + 1))
							: Mono.just(response));
			}));
	}

	private ClientRequest withToken(ClientRequest request) {
		String token = this.authorization.tokenForRequest();
		return (token != null) ? ClientRequest.from(request).headers((h) -> h.setBearerAuth(token)).build() : request;
	}

}
