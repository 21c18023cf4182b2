package dev.mcpoauth.server.challenge;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers an unauthenticated request to the MCP endpoint with 401 and
 * {@code WWW-Authenticate: Bearer resource_metadata="...", scope="..."}; when a token was sent, the challenge
 * starts with {@code error="invalid_token"} and a short {@code error_description}. Unlike Spring Security's
 * {@code BearerTokenAuthenticationEntryPoint}, {@code resource_metadata} names the path-suffixed metadata of the
 * endpoint and the scopes the endpoint needs are always named. The body stays empty. The servlet twin of
 * {@link McpBearerTokenServerAuthenticationEntryPoint}; the answer is decided by {@link BearerChallenges}.
 */
public final class McpBearerTokenAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final BearerChallenges challenges;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenAuthenticationEntryPoint(McpProtectedResource resource, List<String> requiredScopes) {
		this.challenges = new BearerChallenges(resource, requiredScopes);
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) {
		BearerChallenges.Challenge challenge = this.challenges.unauthorized(ServletRequestOrigin.of(request),
				authException);
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.header());
		response.setStatus(challenge.status().value());
	}

}
