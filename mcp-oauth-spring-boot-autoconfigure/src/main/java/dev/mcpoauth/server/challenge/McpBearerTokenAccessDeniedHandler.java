package dev.mcpoauth.server.challenge;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers a valid token that lacks scopes with 403 and
 * {@code WWW-Authenticate: Bearer error="insufficient_scope", scope="...", resource_metadata="..."} (in the
 * {@code DPoP} scheme for a DPoP request), naming every scope the request needs so that a client can step up in one
 * go. Spring Security's {@code BearerTokenAccessDeniedHandler} names neither the scopes nor the metadata. The servlet
 * twin of {@link McpBearerTokenServerAccessDeniedHandler}; the answer is decided by {@link BearerChallenges}.
 */
public final class McpBearerTokenAccessDeniedHandler implements AccessDeniedHandler {

	private final BearerChallenges challenges;

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
		this.challenges = new BearerChallenges(resource, requiredScopes, schemes);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException accessDeniedException) {
		McpBearerTokenAuthenticationEntryPoint.write(this.challenges.forbidden(ServletRequestOrigin.of(request),
				request.getHeader(HttpHeaders.AUTHORIZATION), accessDeniedException), response);
	}

}
