package dev.mcpoauth.server.authentication;

import jakarta.servlet.http.HttpServletRequest;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;

/**
 * The servlet adapter of {@link AccessTokenAuthenticator}, which decides: the request gives only its resource
 * identifier (RFC 8707), the accepted audience when none is configured. The servlet twin of
 * {@link McpBearerReactiveAuthenticationManagerResolver}.
 */
public final class McpBearerAuthenticationManagerResolver implements AuthenticationManagerResolver<HttpServletRequest> {

	private final AccessTokenAuthenticator authenticator;

	private final McpProtectedResource resource;

	private final boolean bearer;

	/**
	 * @param authenticator verifies or introspects tokens and checks their audience
	 * @param resource the protected resource
	 * @param bearer whether the tokens are presented as bearer tokens, so that a sender-constrained one
	 * ({@code cnf}) is refused; {@code false} for the access tokens of DPoP requests, whose binding the DPoP check
	 * verifies
	 */
	public McpBearerAuthenticationManagerResolver(AccessTokenAuthenticator authenticator, McpProtectedResource resource,
			boolean bearer) {
		this.authenticator = authenticator;
		this.resource = resource;
		this.bearer = bearer;
	}

	@Override
	public AuthenticationManager resolve(HttpServletRequest request) {
		return (authentication) -> this.authenticator.authenticate(authentication,
				() -> this.resource.resource(ServletRequestOrigin.of(request)), this.bearer);
	}

}
