package dev.mcpoauth.server.web.reactive;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.mcpoauth.server.scope.ToolCallScopes;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Reads and drops the body of a refused request that nobody read, before the refusal is sent. Refusals (the
 * firewall's 400 for a path spelling, a 401 for a missing or bad token, a 403 on another path) are answered before
 * the body is read; Reactor Netty then discarded the body after the answer had gone out, and a client that sent its
 * next request on the same keep-alive connection within that moment (the JDK HTTP client, which the MCP Java SDK
 * uses, does) could find the connection no longer read: its request stayed unanswered until its own timeout. With
 * the body read first, the exchange is over when the answer leaves, as it is for a request whose body was read. A
 * body larger than {@link ToolCallScopes#MAX_BODY_BYTES}, or one that has not arrived within
 * {@link #DRAIN_TIMEOUT}, is not waited for: the answer then says {@code Connection: close}. Runs before Spring
 * Security's chains (their firewall refuses first); successful answers, and answers to requests whose body someone
 * began to read, are left as they are.
 */
public final class RefusedRequestConnectionWebFilter implements WebFilter, Ordered {

	/** How long a refusal waits for the rest of an unread body. */
	static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!hasBody(request.getHeaders())) {
			return chain.filter(exchange);
		}
		AtomicBoolean subscribed = new AtomicBoolean();
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			HttpStatusCode status = response.getStatusCode();
			return (status != null && status.isError() && subscribed.compareAndSet(false, true))
					? drain(request, response) : Mono.empty();
		});
		ServerHttpRequest tracked = new ServerHttpRequestDecorator(request) {

			@Override
			public Flux<DataBuffer> getBody() {
				return super.getBody().doOnSubscribe((subscription) -> subscribed.set(true));
			}

		};
		return chain.filter(exchange.mutate().request(tracked).build());
	}

	/** Reads and releases the body; closes the connection when it is too large or too slow to wait for. */
	private static Mono<Void> drain(ServerHttpRequest request, ServerHttpResponse response) {
		return request.getBody()
			.map((buffer) -> {
				long size = buffer.readableByteCount();
				DataBufferUtils.release(buffer);
				return size;
			})
			.scan(0L, Long::sum)
			.takeUntil((read) -> read > ToolCallScopes.MAX_BODY_BYTES)
			.last(0L)
			.timeout(DRAIN_TIMEOUT)
			.onErrorReturn(Long.MAX_VALUE)
			.doOnNext((read) -> {
				if (read > ToolCallScopes.MAX_BODY_BYTES) {
					response.getHeaders().set(HttpHeaders.CONNECTION, "close");
				}
			})
			.then();
	}

	private static boolean hasBody(HttpHeaders headers) {
		return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
	}

	/** Before Spring Security's {@code WebFilterChainProxy} (order -100), whose firewall refuses first. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
