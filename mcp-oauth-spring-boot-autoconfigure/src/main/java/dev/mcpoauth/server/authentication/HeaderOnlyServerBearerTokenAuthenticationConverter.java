package dev.mcpoauth.server.authentication;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * The reactive twin of {@link HeaderOnlyBearerTokenResolver}: the bearer token from the {@code Authorization} header
 * only, by {@link BearerHeaderRule}; a malformed or repeated header fails the authentication with the rule's error.
 * Spring Security's {@code ServerBearerTokenAuthenticationConverter} keeps its own copy of the rule.
 */
public final class HeaderOnlyServerBearerTokenAuthenticationConverter implements ServerAuthenticationConverter {

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		return Mono.fromCallable(() -> {
			List<String> headers = exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION);
			String token = BearerHeaderRule.token((headers != null) ? headers.iterator() : null);
			return (token != null) ? new BearerTokenAuthenticationToken(token) : null;
		});
	}

}
