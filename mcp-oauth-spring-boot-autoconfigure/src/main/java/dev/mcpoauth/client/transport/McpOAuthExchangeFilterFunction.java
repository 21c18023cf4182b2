package dev.mcpoauth.client.transport;

import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.RequestCredentials;
import dev.mcpoauth.client.SecurityContextIdTokenResolver;
import dev.mcpoauth.client.ServerUrlScope;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Attaches a registration's token to requests of a Spring {@code WebClient}, and replays a request after 401, and
 * after 403 {@code insufficient_scope} with a wider token up to the step-up limit. Only requests under the
 * registration's {@code server-url} ({@link ServerUrlScope}) are touched; any other goes out as it is.
 * <p>
 * The user's ID token (cross-app access) is read when the exchange is subscribed, before any change of thread: from
 * the {@code IdTokenResolver} on the subscribing thread, else from the {@code oauth2Login} user of the Reactor
 * context ({@link ReactiveSecurityContextHolder}, WebFlux). A cached token is attached at once; discovery and token
 * requests are blocking calls and run on Reactor's bounded elastic scheduler. Each attempt gets its own headers
 * (a bearer token, or a DPoP-bound token and a fresh proof) from {@link McpAuthorization#credentials}.
 */
public final class McpOAuthExchangeFilterFunction implements ExchangeFilterFunction {

	private final McpAuthorization authorization;

	private final ServerUrlScope scope;

	private final int maxReplays;

	/**
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 */
	public McpOAuthExchangeFilterFunction(McpAuthorization authorization, int maxStepUps) {
		this.authorization = authorization;
		this.scope = new ServerUrlScope(authorization.serverUrl());
		this.maxReplays = 1 + maxStepUps;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (!this.scope.covers(request.url())) {
			return next.exchange(request);
		}
		return Mono.defer(this::callerIdToken)
			.flatMap((idToken) -> exchange(request, next, idToken.orElse(null), 0, false));
	}

	private Mono<Optional<String>> callerIdToken() {
		String idToken = this.authorization.currentIdToken();
		if (idToken != null) {
			return Mono.just(Optional.of(idToken));
		}
		return ReactiveSecurityContextHolder.getContext()
			.map((context) -> Optional.ofNullable(SecurityContextIdTokenResolver.idToken(context.getAuthentication())))
			.defaultIfEmpty(Optional.empty());
	}

	private Mono<ClientResponse> exchange(ClientRequest original, ExchangeFunction next, String idToken, int replays,
			boolean nonceReplayed) {
		return withToken(original, idToken).flatMap((request) -> next.exchange(request).flatMap((response) -> {
			int status = response.statusCode().value();
			if ((status != 401 && status != 403) || replays >= this.maxReplays) {
				return Mono.just(response);
			}
			McpAuthorization.Refusal refusal = new McpAuthorization.Refusal(request.url(), status,
					response.headers().header(HttpHeaders.WWW_AUTHENTICATE),
					response.headers().asHttpHeaders().getFirst(RequestCredentials.DPOP_NONCE),
					request.headers().getFirst(HttpHeaders.AUTHORIZATION),
					request.headers().getFirst(RequestCredentials.DPOP));
			boolean nonce = this.authorization.isNonceChallenge(refusal);
			return Mono.fromCallable(() -> this.authorization.onErrorResponse(refusal, idToken, nonceReplayed))
				.subscribeOn(Schedulers.boundedElastic())
				.flatMap((replay) -> replay
						? response.releaseBody()
							.then(exchange(original, next, idToken, replays + 1, nonceReplayed || nonce))
						: Mono.just(response));
		}));
	}

	/**
	 * The request with its credentials ({@link McpAuthorization#credentials}): at once when the token is cached,
	 * else got on the bounded elastic scheduler.
	 */
	private Mono<ClientRequest> withToken(ClientRequest request, String idToken) {
		String method = request.method().name();
		return Mono.defer(() -> {
			RequestCredentials cached = this.authorization.cachedCredentials(method, request.url(), idToken);
			if (cached != null) {
				return Mono.just(with(request, cached));
			}
			return Mono
				.fromCallable(() -> with(request, this.authorization.credentials(method, request.url(), idToken)))
				.subscribeOn(Schedulers.boundedElastic());
		});
	}

	private static ClientRequest with(ClientRequest request, RequestCredentials credentials) {
		return (credentials != null)
				? ClientRequest.from(request).headers((headers) -> credentials.applyTo(headers::set)).build() : request;
	}

}
