package dev.mcpoauth.server.scope;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.mcpoauth.server.authentication.ReactiveAuthentications;
import dev.mcpoauth.server.challenge.InsufficientScopeException;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive twin of {@link ToolScopeAuthorizationFilter}: enforces the scopes of the MCP endpoint and of its tools
 * as {@link ToolCallScopes} decides them, on every request the MCP security chain admitted after authentication,
 * whatever its path. It reads the body into memory (at most {@link ToolCallScopes#MAX_BODY_BYTES}, more is 413),
 * decides, and hands the same bytes on to the MCP transport. A refusal for scope is an
 * {@link InsufficientScopeException}, answered 403 {@code insufficient_scope} by the chain's access-denied handler;
 * the other refusals (413, 415, 400, and 400 with the JSON-RPC {@code HeaderMismatch} error) are answered here.
 * Requests the chain lets through anonymously (the metadata) pass untouched.
 */
public final class ToolScopeAuthorizationWebFilter implements WebFilter {

	private final ToolCallScopes toolCallScopes;

	/**
	 * @param toolCallScopes the decision
	 */
	public ToolScopeAuthorizationWebFilter(ToolCallScopes toolCallScopes) {
		this.toolCallScopes = toolCallScopes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return ReactiveAuthentications.withAuthentication((authentication) -> {
			Set<String> granted = ToolCallScopes.grantedScopes(authentication);
			return (granted != null) ? check(exchange, chain, granted) : chain.filter(exchange);
		});
	}

	private Mono<Void> check(ServerWebExchange exchange, WebFilterChain chain, Set<String> granted) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders requestHeaders = request.getHeaders();
		RequestMetadataHeaders headers = RequestMetadataHeaders.read(requestHeaders.headerNames(),
				requestHeaders::getOrEmpty);
		if (!this.toolCallScopes.inspects(request.getMethod().name(), headers)) {
			return act(this.toolCallScopes.decideWithoutBody(granted), exchange, chain);
		}
		return readBody(request).flatMap((body) -> {
			ToolCallScopes.Decision decision = this.toolCallScopes.decide(body.orElse(null),
					requestHeaders.getFirst(HttpHeaders.CONTENT_TYPE), null, headers, granted);
			return act(decision, body.isPresent() ? exchange.mutate().request(replay(request, body.get())).build()
					: exchange, chain);
		});
	}

	private static Mono<Void> act(ToolCallScopes.Decision decision, ServerWebExchange exchange, WebFilterChain chain) {
		return switch (decision.outcome()) {
			case ALLOWED -> chain.filter(exchange);
			case INSUFFICIENT_SCOPE -> Mono.error(new InsufficientScopeException(decision.missingScopes()));
			default -> {
				ServerHttpResponse response = exchange.getResponse();
				response.setStatusCode(decision.outcome().status());
				if (decision.errorBody() == null) {
					yield response.setComplete();
				}
				response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
				yield response.writeWith(Mono.fromSupplier(() -> response.bufferFactory()
					.wrap(decision.errorBody().getBytes(StandardCharsets.UTF_8))));
			}
		};
	}

	/** The body, or empty when it is larger than the decision inspects. */
	private static Mono<Optional<byte[]>> readBody(ServerHttpRequest request) {
		if (request.getHeaders().getContentLength() > ToolCallScopes.MAX_BODY_BYTES) {
			return Mono.just(Optional.empty());
		}
		return DataBufferUtils.join(request.getBody(), ToolCallScopes.MAX_BODY_BYTES)
			.map((buffer) -> {
				try {
					byte[] bytes = new byte[buffer.readableByteCount()];
					buffer.read(bytes);
					return Optional.of(bytes);
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			})
			.defaultIfEmpty(Optional.of(new byte[0]))
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(Optional.empty()));
	}

	/** The request with its body, already read, given again to whoever reads it next. */
	private static ServerHttpRequest replay(ServerHttpRequest request, byte[] body) {
		return new ServerHttpRequestDecorator(request) {

			@Override
			public Flux<DataBuffer> getBody() {
				return (body.length == 0) ? Flux.empty()
						: Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
			}

		};
	}

}
