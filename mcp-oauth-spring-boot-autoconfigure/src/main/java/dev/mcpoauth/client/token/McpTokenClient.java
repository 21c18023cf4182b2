package dev.mcpoauth.client.token;

import java.util.Set;

import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Requests an access token for one MCP server from its authorization server.
 */
public interface McpTokenClient {

	/**
	 * Request a token.
	 * @param scopes the scopes to request, possibly empty
	 * @param subjectToken the user's ID token for flows that act for a user, else {@code null}
	 * @return the token response
	 * @throws dev.mcpoauth.client.McpOAuthClientException when the request fails
	 */
	OAuth2AccessTokenResponse requestToken(Set<String> scopes, String subjectToken);

}
