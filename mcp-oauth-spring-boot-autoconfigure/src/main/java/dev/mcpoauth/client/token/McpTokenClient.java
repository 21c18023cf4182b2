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
	 * @param subjectToken whom the token is for: the user's ID token for cross-app access, the resource owner's
	 * name for the authorization code flow, else {@code null}
	 * @return the token response
	 * @throws dev.mcpoauth.client.McpOAuthClientException when the request fails
	 */
	OAuth2AccessTokenResponse requestToken(Set<String> scopes, String subjectToken);

	/**
	 * The MCP server refused a token with 401: a client that keeps tokens elsewhere than in memory (the
	 * authorization code flow's authorized clients) stops handing it out. The default does nothing.
	 * @param token the refused token
	 * @param subjectToken whom it was for, as in {@link #requestToken}
	 */
	default void refused(String token, String subjectToken) {
	}

}
