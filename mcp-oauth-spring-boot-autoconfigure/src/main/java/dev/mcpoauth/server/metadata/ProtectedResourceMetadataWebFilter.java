package dev.mcpoauth.server.metadata;

import reactor.core.publisher.Mono;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServerRequestOrigin;

import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive twin of {@link ProtectedResourceMetadataFilter}: serves the document of
 * {@link ProtectedResourceMetadataDocuments} at the path-suffixed and the root well-known URI (relative to
 * {@code spring.webflux.base-path}), and answers every other path under the well-known prefix with 404, reading paths
 * as the security chain's matchers read them. The root document is always the MCP endpoint's: Spring Security's
 * reactive resource server publishes no metadata of its own.
 */
public final class ProtectedResourceMetadataWebFilter implements WebFilter {

	private final ProtectedResourceMetadataDocuments documents;

	private final ServerWebExchangeMatcher wellKnown = new PathPatternParserServerWebExchangeMatcher(
			McpProtectedResource.WELL_KNOWN_PATH + "/**");

	private final ServerWebExchangeMatcher documentPaths;

	/**
	 * @param documents the metadata
	 */
	public ProtectedResourceMetadataWebFilter(ProtectedResourceMetadataDocuments documents) {
		this.documents = documents;
		this.documentPaths = ServerWebExchangeMatchers.pathMatchers(documents.paths().toArray(String[]::new));
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.wellKnown.matches(exchange)
			.flatMap((wellKnown) -> wellKnown.isMatch() ? this.documentPaths.matches(exchange)
				.flatMap((document) -> answer(exchange, document.isMatch())) : chain.filter(exchange));
	}

	private Mono<Void> answer(ServerWebExchange exchange, boolean document) {
		ProtectedResourceMetadataDocuments.Answer answer = this.documents.answer(document,
				exchange.getRequest().getMethod().name(), ServerRequestOrigin.of(exchange.getRequest()));
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(answer.status());
		answer.headers().forEach(response.getHeaders()::set);
		if (answer.document() == null) {
			return response.setComplete();
		}
		response.getHeaders().setContentLength(answer.document().length);
		if (!answer.withBody()) {
			return response.setComplete();
		}
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(answer.document())));
	}

}
