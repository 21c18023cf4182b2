package dev.mcpoauth.server.authentication;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;

/**
 * The servlet adapter of {@link AccessTokenAuthenticator}: the accepted audiences of a request are the configured
 * ones, or else the resource identifier of the request (RFC 8707), and the authenticator decides.
 */
public final class McpBearerAuthenticationManagerResolver implements AuthenticationManagerResolver<HttpServletRequest> {

	private final AccessTokenAuthenticator authenticator;

	private final McpProtectedResource resource;

	private final List<String> configuredAudiences;

	/**
	 * @param authenticator verifies or introspects tokens and checks their audience
	 * @param resource the protected resource
	 * @param configuredAudiences accepted audiences; when empty, the resource identifier of the request
	 */
	public McpBearerAuthenticationManagerResolver(AccessTokenAuthenticator authenticator, McpProtectedResource resource,
			List<String> configuredAudiences) {
		this.authenticator = authenticator;
		this.resource = resource;
		this.configuredAudiences = List.copyOf(configuredAudiences);
	}

	@Override
	public AuthenticationManager resolve(HttpServletRequest request) {
		List<String> audiences = this.configuredAudiences.isEmpty() ? List.of(this.resource.resource(request))
				: this.configuredAudiences;
		return (authentication) -> this.authenticator.authenticate(authentication, audiences);
	}

}
