package dev.mcpoauth.server.authentication;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Authenticates bearer tokens sent to the MCP endpoint with Spring Security's {@link JwtAuthenticationProvider},
 * then checks the audience (RFC 8707) against the resource of the request (or the configured audiences, or those of
 * the token's issuer when it has its own), so the check holds whichever {@link JwtDecoder} is in use. Failures become
 * {@link InvalidBearerTokenException}s with a short description that never carries the token or internals; a key
 * source that cannot be reached gives 401, not 500, and is logged. Both rules are {@link AccessTokenAcceptance}'s;
 * the servlet twin of {@link McpBearerReactiveAuthenticationManagerResolver}.
 */
public final class McpBearerAuthenticationManagerResolver implements AuthenticationManagerResolver<HttpServletRequest> {

	private final JwtAuthenticationProvider provider;

	private final McpProtectedResource resource;

	private final AccessTokenAcceptance acceptance;

	/**
	 * @param decoder the access-token decoder
	 * @param authenticationConverter turns a validated token into an authentication
	 * @param resource the protected resource
	 * @param configuredAudiences accepted audiences; when empty, the resource identifier of the request
	 * @param issuerAudiences accepted audiences of the tokens of particular issuers (by {@code iss}), replacing the
	 * others for them
	 */
	public McpBearerAuthenticationManagerResolver(JwtDecoder decoder,
			Converter<Jwt, ? extends AbstractAuthenticationToken> authenticationConverter, McpProtectedResource resource,
			List<String> configuredAudiences, Map<String, List<String>> issuerAudiences) {
		this.provider = new JwtAuthenticationProvider(decoder);
		this.provider.setJwtAuthenticationConverter(authenticationConverter);
		this.resource = resource;
		this.acceptance = new AccessTokenAcceptance(configuredAudiences, issuerAudiences);
	}

	@Override
	public AuthenticationManager resolve(HttpServletRequest request) {
		List<String> audiences = this.acceptance
			.defaultAudiences(() -> this.resource.resource(ServletRequestOrigin.of(request)));
		return (authentication) -> authenticate(authentication, audiences);
	}

	private Authentication authenticate(Authentication authentication, List<String> defaultAudiences) {
		Authentication result;
		try {
			result = this.provider.authenticate(authentication);
		}
		catch (AuthenticationException ex) {
			throw AccessTokenAcceptance.refusal(ex);
		}
		return this.acceptance.checkAudience(result, defaultAudiences);
	}

}
