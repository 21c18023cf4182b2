package dev.mcpoauth.server.challenge;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers an unauthenticated request to the MCP endpoint with 401 and
 * {@code WWW-Authenticate: Bearer resource_metadata="...", scope="..."}; when a token was sent, the challenge
 * starts with {@code error="invalid_token"} and a short {@code error_description}. Unlike Spring Security's
 * {@code BearerTokenAuthenticationEntryPoint}, {@code resource_metadata} names the path-suffixed metadata of the
 * endpoint and the scopes the endpoint needs are always named. With DPoP accepted, a {@code DPoP} challenge is
 * added (or, with DPoP required, replaces the {@code Bearer} one) as {@link ChallengeSchemes} decides. The body
 * stays empty.
 */
public final class McpBearerTokenAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final McpProtectedResource resource;

	private final List<String> requiredScopes;

	private final ChallengeSchemes schemes;

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
		this.resource = resource;
		this.requiredScopes = List.copyOf(requiredScopes);
		this.schemes = schemes;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) {
		HttpStatus status = HttpStatus.UNAUTHORIZED;
		OAuth2Error error = null;
		if (authException instanceof OAuth2AuthenticationException oauth2) {
			error = oauth2.getError();
			if (error instanceof BearerTokenError bearerError) {
				status = bearerError.getHttpStatus();
			}
		}
		List<String> challenges = this.schemes.unauthorized(request.getHeader(HttpHeaders.AUTHORIZATION),
				(error != null) ? error.getErrorCode() : null, (error != null) ? error.getDescription() : null,
				this.resource.metadataUrl(request), this.requiredScopes);
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenges.get(0));
		challenges.subList(1, challenges.size())
			.forEach((challenge) -> response.addHeader(HttpHeaders.WWW_AUTHENTICATE, challenge));
		response.setStatus(status.value());
	}

}
