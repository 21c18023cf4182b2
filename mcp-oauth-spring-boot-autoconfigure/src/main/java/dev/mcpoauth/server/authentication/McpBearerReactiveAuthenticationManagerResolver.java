package dev.mcpoauth.server.authentication;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServerRequestOrigin;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.web.server.ServerWebExchange;

/**
 * The reactive twin of {@link McpBearerAuthenticationManagerResolver}: Spring Security's
 * {@link JwtReactiveAuthenticationManager} over the same {@link JwtDecoder} (the same key sources, validators and
 * cache), run off the event loop since a key or discovery fetch blocks, then the same audience check and refusals
 * ({@link AccessTokenAcceptance}).
 */
public final class McpBearerReactiveAuthenticationManagerResolver
		implements ReactiveAuthenticationManagerResolver<ServerWebExchange> {

	private final JwtReactiveAuthenticationManager manager;

	private final McpProtectedResource resource;

	private final AccessTokenAcceptance acceptance;

	/**
	 * @param decoder the access-token decoder, called on {@link Schedulers#boundedElastic()}
	 * @param authenticationConverter turns a validated token into an authentication
	 * @param resource the protected resource
	 * @param configuredAudiences accepted audiences; when empty, the resource identifier of the request
	 * @param issuerAudiences accepted audiences of the tokens of particular issuers (by {@code iss}), replacing the
	 * others for them
	 */
	public McpBearerReactiveAuthenticationManagerResolver(JwtDecoder decoder,
			Converter<Jwt, ? extends AbstractAuthenticationToken> authenticationConverter, McpProtectedResource resource,
			List<String> configuredAudiences, Map<String, List<String>> issuerAudiences) {
		ReactiveJwtDecoder offloaded = (token) -> Mono.fromCallable(() -> decoder.decode(token))
			.subscribeOn(Schedulers.boundedElastic());
		this.manager = new JwtReactiveAuthenticationManager(offloaded);
		this.manager.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(
				(Converter<Jwt, AbstractAuthenticationToken>) authenticationConverter::convert));
		this.resource = resource;
		this.acceptance = new AccessTokenAcceptance(configuredAudiences, issuerAudiences);
	}

	@Override
	public Mono<ReactiveAuthenticationManager> resolve(ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> {
			List<String> audiences = this.acceptance
				.defaultAudiences(() -> this.resource.resource(ServerRequestOrigin.of(exchange.getRequest())));
			return (authentication) -> this.manager.authenticate(authentication)
				.onErrorMap(AuthenticationException.class, AccessTokenAcceptance::refusal)
				.map((result) -> this.acceptance.checkAudience(result, audiences));
		});
	}

}
