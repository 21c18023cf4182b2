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
 * What the MCP endpoint answers a request it refuses: the status and the {@code WWW-Authenticate: Bearer}
 * challenge. Decided here once for both web stacks; their entry points and access-denied handlers only write the
 * answer. The body stays empty.
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

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	BearerChallenges(McpProtectedResource resource, List<String> requiredScopes) {
		this.resource = resource;
		this.requiredScopes = List.copyOf(requiredScopes);
	}

	Challenge unauthorized(RequestOrigin origin, AuthenticationException authException) {
		BearerChallengeHeader challenge = new BearerChallengeHeader();
		HttpStatus status = HttpStatus.UNAUTHORIZED;
		if (authException instanceof OAuth2AuthenticationException oauth2) {
			OAuth2Error error = oauth2.getError();
			challenge.param("error", error.getErrorCode()).param("error_description", error.getDescription());
			if (error instanceof BearerTokenError bearerError) {
				status = bearerError.getHttpStatus();
			}
		}
		challenge.param("resource_metadata", this.resource.metadataUrl(origin)).scope(this.requiredScopes);
		return new Challenge(status, challenge.toString());
	}

	Challenge forbidden(RequestOrigin origin, AccessDeniedException accessDeniedException) {
		List<String> scopes = (accessDeniedException instanceof InsufficientScopeException insufficient)
				? insufficient.getRequiredScopes() : this.requiredScopes;
		String challenge = new BearerChallengeHeader().param("error", "insufficient_scope")
			.param("error_description", "The access token lacks a scope this request needs")
			.scope(scopes)
			.param("resource_metadata", this.resource.metadataUrl(origin))
			.toString();
		return new Challenge(HttpStatus.FORBIDDEN, challenge);
	}

	/**
	 * An answer to write.
	 * @param status the status
	 * @param header the {@code WWW-Authenticate} value
	 */
	record Challenge(HttpStatus status, String header) {
	}

}
