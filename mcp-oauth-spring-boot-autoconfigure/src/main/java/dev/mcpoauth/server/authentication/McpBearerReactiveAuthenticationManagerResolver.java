package dev.mcpoauth.server.authentication;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServerRequestOrigin;

import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.web.server.ServerWebExchange;

/**
 * The reactive twin of {@link McpBearerAuthenticationManagerResolver}: the same {@link AccessTokenAuthenticator}
 * (the same decoder, key sources, validators and cache, the same introspection, audience check and refusals), run
 * off the event loop since a key, discovery or introspection fetch blocks. The resource identifier of the request is
 * read on the request's thread, before the hop. Bearer tokens only: a sender-constrained token ({@code cnf}) is
 * refused, as on the servlet stack. Anything but a refusal that goes wrong on the way (a scheduler that rejects the
 * work when it is saturated) is a 401, never a 500.
 */
public final class McpBearerReactiveAuthenticationManagerResolver
		implements ReactiveAuthenticationManagerResolver<ServerWebExchange> {

	private final AccessTokenAuthenticator authenticator;

	private final McpProtectedResource resource;

	/**
	 * @param authenticator verifies or introspects tokens and checks their audience, called on
	 * {@link Schedulers#boundedElastic()}
	 * @param resource the protected resource
	 */
	public McpBearerReactiveAuthenticationManagerResolver(AccessTokenAuthenticator authenticator,
			McpProtectedResource resource) {
		this.authenticator = authenticator;
		this.resource = resource;
	}

	@Override
	public Mono<ReactiveAuthenticationManager> resolve(ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> {
			String requestResource = this.resource.resource(ServerRequestOrigin.of(exchange.getRequest()));
			return (authentication) -> Mono
				.fromCallable(() -> this.authenticator.authenticate(authentication, () -> requestResource, true))
				.subscribeOn(Schedulers.boundedElastic())
				.onErrorMap((ex) -> !(ex instanceof AuthenticationException),
						(ex) -> new InvalidBearerTokenException("The access token could not be checked", ex));
		});
	}

}
