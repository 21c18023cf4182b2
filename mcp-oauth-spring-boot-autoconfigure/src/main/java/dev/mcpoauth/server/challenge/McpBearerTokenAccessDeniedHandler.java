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
 * {@code BearerTokenAccessDeniedHandler} names neither the scopes nor the metadata.
 */
public final class McpBearerTokenAccessDeniedHandler implements AccessDeniedHandler {

	private final McpProtectedResource resource;

	private final List<String> requiredScopes;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenAccessDeniedHandler(McpProtectedResource resource, List<String> requiredScopes) {
		this.resource = resource;
		this.requiredScopes = List.copyOf(requiredScopes);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) {
		List<String> scopes = (accessDeniedException instanceof InsufficientScopeException insufficient)
				? insufficient.getRequiredScopes() : this.requiredScopes;
		String challenge = new BearerChallengeHeader().param("error", "insufficient_scope")
			.param("error_description", "The access token lacks a scope this request needs")
			.scope(scopes)
			.param("resource_metadata", this.resource.metadataUrl(request))
			.toString();
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
		response.setStatus(HttpStatus.FORBIDDEN.value());
	}

}
