package dev.mcpoauth.server.web.reactive;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Closes the connection of a refused request whose body nobody read. Refusals (the firewall's 400 for a path
 * spelling, a 401 for a missing or bad token, a 403 on another path) are answered before the body is read; Reactor
 * Netty then discards the body after the answer has gone out, and a client that sends its next request on the same
 * keep-alive connection within that moment (the JDK HTTP client, which the MCP Java SDK uses, does) could find the
 * connection no longer read: its request stayed unanswered until its own timeout. An error answer to such a request
 * says {@code Connection: close}, so that the client opens a new connection for the next request and the server
 * closes this one. Runs before Spring Security's chains (their firewall refuses first); answers to requests whose
 * body was read in full, and successful answers, keep their connection.
 */
public final class RefusedRequestConnectionWebFilter implements WebFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!hasBody(request.getHeaders())) {
			return chain.filter(exchange);
		}
		AtomicBoolean read = new AtomicBoolean();
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			HttpStatusCode status = response.getStatusCode();
			if (!read.get() && status != null && status.isError()) {
				response.getHeaders().set(HttpHeaders.CONNECTION, "close");
			}
			return Mono.empty();
		});
		ServerHttpRequest tracked = new ServerHttpRequestDecorator(request) {

			@Override
			public Flux<DataBuffer> getBody() {
				return super.getBody().doOnComplete(() -> read.set(true));
			}

		};
		return chain.filter(exchange.mutate().request(tracked).build());
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
