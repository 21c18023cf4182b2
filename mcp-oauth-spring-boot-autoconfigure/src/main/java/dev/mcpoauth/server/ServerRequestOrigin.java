package dev.mcpoauth.server;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The {@link RequestOrigin} of a reactive request, read when asked: its URI (which WebFlux has already adapted to
 * the forwarded headers the application trusts) and its context path ({@code spring.webflux.base-path}).
 */
public final class ServerRequestOrigin implements RequestOrigin {

	private final ServerHttpRequest request;

	private ServerRequestOrigin(ServerHttpRequest request) {
		this.request = request;
	}

	/**
	 * @param request the current request
	 * @return its origin
	 */
	public static RequestOrigin of(ServerHttpRequest request) {
		return new ServerRequestOrigin(request);
	}

	@Override
	public String contextUrl() {
		try {
			return UriComponentsBuilder.fromUri(this.request.getURI())
				.replacePath(contextPath())
				.replaceQuery(null)
				.fragment(null)
				.build()
				.toUriString();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public String contextPath() {
		return this.request.getPath().contextPath().value();
	}

}
