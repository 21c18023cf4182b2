package dev.mcpoauth.server.challenge;

import java.util.List;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.RequestOrigin;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.BearerTokenError;

/**
 * What the MCP endpoint answers a request it refuses: the status and the {@code WWW-Authenticate} challenges, in the
 * schemes the endpoint accepts ({@link ChallengeSchemes}: {@code Bearer}, and {@code DPoP} when it is on). Decided
 * here once for both web stacks; their entry points and access-denied handlers only write the answer. The body stays
 * empty.
 * <ul>
 * <li>Unauthenticated: 401 with {@code resource_metadata} (the path-suffixed metadata of the endpoint, unlike Spring
 * Security's root URL) and the scopes the endpoint needs; when a token was sent, {@code error} and a short
 * {@code error_description} come first, and a bearer error's own status (400 {@code invalid_request}) is kept.</li>
 * <li>Forbidden: 403 {@code insufficient_scope} naming every scope the request needs
 * ({@link InsufficientScopeException}), else the endpoint's, so that a client can step up in one go, and
 * {@code resource_metadata} (Spring Security's handler names neither).</li>
 * </ul>
 */
final class BearerChallenges {

	private final McpProtectedResource resource;

	private final List<String> requiredScopes;

	private final ChallengeSchemes schemes;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 * @param schemes the accepted authentication schemes
	 */
	BearerChallenges(McpProtectedResource resource, List<String> requiredScopes, ChallengeSchemes schemes) {
		this.resource = resource;
		this.requiredScopes = List.copyOf(requiredScopes);
		this.schemes = schemes;
	}

	Challenge unauthorized(RequestOrigin origin, String authorization, AuthenticationException authException) {
		HttpStatus status = HttpStatus.UNAUTHORIZED;
		OAuth2Error error = null;
		if (authException instanceof OAuth2AuthenticationException oauth2) {
			error = oauth2.getError();
			if (error instanceof BearerTokenError bearerError) {
				status = bearerError.getHttpStatus();
			}
		}
		return new Challenge(status,
				this.schemes.unauthorized(authorization, (error != null) ? error.getErrorCode() : null,
						(error != null) ? error.getDescription() : null, this.resource.metadataUrl(origin),
						this.requiredScopes));
	}

	Challenge forbidden(RequestOrigin origin, String authorization, AccessDeniedException accessDeniedException) {
		List<String> scopes = (accessDeniedException instanceof InsufficientScopeException insufficient)
				? insufficient.getRequiredScopes() : this.requiredScopes;
		return new Challenge(HttpStatus.FORBIDDEN,
				List.of(this.schemes.forbidden(authorization, scopes, this.resource.metadataUrl(origin))));
	}

	/**
	 * An answer to write.
	 * @param status the status
	 * @param headers the {@code WWW-Authenticate} values, at least one
	 */
	record Challenge(HttpStatus status, List<String> headers) {
	}

}
