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
 * endpoint and the scopes the endpoint needs are always named. The body stays empty.
 */
public final class McpBearerTokenAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final McpProtectedResource resource;

	private final List<String> requiredScopes;

	/**
	 * @param resource the protected resource
	 * @param requiredScopes the scopes every request to the endpoint needs
	 */
	public McpBearerTokenAuthenticationEntryPoint(McpProtectedResource resource, List<String> requiredScopes) {
		this.resource = resource;
		this.requiredScopes = List.copyOf(requiredScopes);
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) {
		BearerChallengeHeader challenge = new BearerChallengeHeader();
		HttpStatus status = HttpStatus.UNAUTHORIZED;
		if (authException instanceof OAuth2AuthenticationException oauth2) {
			OAuth2Error error = oauth2.getError();
			challenge.param("error", error.getErrorCode()).param("error_description", error.getDescription());
			if (error instanceof BearerTokenError bearerError) {
				status = bearerError.getHttpStatus();
			}
		}
		challenge.param("resource_metadata", this.resource.metadataUrl(request)).scope(this.requiredScopes);
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.toString());
		response.setStatus(status.value());
	}

}
