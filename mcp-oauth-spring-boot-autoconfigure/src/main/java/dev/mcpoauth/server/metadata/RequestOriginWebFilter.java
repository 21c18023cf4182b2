package dev.mcpoauth.server.metadata;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServerRequestOrigin;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive twin of {@link RequestOriginFilter}: 400 for a request whose origin makes no resource identifier,
 * before anything tries to build one from it.
 */
public final class RequestOriginWebFilter implements WebFilter {

	private final McpProtectedResource resource;

	/**
	 * @param resource the protected resource
	 */
	public RequestOriginWebFilter(McpProtectedResource resource) {
		this.resource = resource;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.resource.hasUsableOrigin(ServerRequestOrigin.of(exchange.getRequest()))) {
			return chain.filter(exchange);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
		return response
			.writeWith(Mono.fromSupplier(() -> response.bufferFactory()
				.wrap(RequestOriginFilter.REFUSAL.getBytes(StandardCharsets.UTF_8))));
	}

}
