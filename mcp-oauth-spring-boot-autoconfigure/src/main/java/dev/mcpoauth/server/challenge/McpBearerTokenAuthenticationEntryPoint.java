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
 * endpoint and the scopes the endpoint needs are always named. With DPoP accepted, a {@code DPoP} challenge is added
 * (or, with DPoP required, replaces the {@code Bearer} one) as {@link ChallengeSchemes} decides. The body stays empty.
 * The servlet twin of {@link McpBearerTokenServerAuthenticationEntryPoint}; the answer is decided by
 * {@link BearerChallenges}.
 */
public final class McpBearerTokenAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final BearerChallenges challenges;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenAuthenticationEntryPoint(McpProtectedResource resource, List<String> requiredScopes) {
		this(resource, requiredScopes, ChallengeSchemes.bearerOnly());
	}

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 * @param schemes the accepted authentication schemes
	 */
	public McpBearerTokenAuthenticationEntryPoint(McpProtectedResource resource, List<String> requiredScopes,
			ChallengeSchemes schemes) {
		this.challenges = new BearerChallenges(resource, requiredScopes, schemes);
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) {
		write(this.challenges.unauthorized(ServletRequestOrigin.of(request),
				request.getHeader(HttpHeaders.AUTHORIZATION), authException), response);
	}

	/** Writes an answer of {@link BearerChallenges} to a servlet response. */
	static void write(BearerChallenges.Challenge challenge, HttpServletResponse response) {
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.headers().get(0));
		challenge.headers()
			.subList(1, challenge.headers().size())
			.forEach((header) -> response.addHeader(HttpHeaders.WWW_AUTHENTICATE, header));
		response.setStatus(challenge.status().value());
	}

}
