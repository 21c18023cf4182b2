package dev.mcpoauth.server.challenge;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers a valid token that lacks scopes with 403 and
 * {@code WWW-Authenticate: Bearer error="insufficient_scope", scope="...", resource_metadata="..."}, naming every
 * scope the request needs so that a client can step up in one go. Spring Security's
 * {@code BearerTokenAccessDeniedHandler} names neither the scopes nor the metadata. A request authenticated with
 * the {@code DPoP} scheme gets the same challenge in that scheme ({@link ChallengeSchemes}).
 */
public final class McpBearerTokenAccessDeniedHandler implements AccessDeniedHandler {

	private final McpProtectedResource resource;

	private final List<String> requiredScopes;

	private final ChallengeSchemes schemes;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenAccessDeniedHandler(McpProtectedResource resource, List<String> requiredScopes) {
		this(resource, requiredScopes, ChallengeSchemes.bearerOnly());
	}

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 * @param schemes the accepted authentication schemes
	 */
	public McpBearerTokenAccessDeniedHandler(McpProtectedResource resource, List<String> requiredScopes,
			ChallengeSchemes schemes) {
		this.resource = resource;
		this.requiredScopes = List.copyOf(requiredScopes);
		this.schemes = schemes;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) {
		List<String> scopes = (accessDeniedException instanceof InsufficientScopeException insufficient)
				? insufficient.getRequiredScopes() : this.requiredScopes;
		String challenge = this.schemes.forbidden(request.getHeader(HttpHeaders.AUTHORIZATION), scopes,
				this.resource.metadataUrl(request));
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
		response.setStatus(HttpStatus.FORBIDDEN.value());
	}

}
