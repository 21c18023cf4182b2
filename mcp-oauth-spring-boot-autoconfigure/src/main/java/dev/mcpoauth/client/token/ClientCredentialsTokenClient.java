package dev.mcpoauth.client.token;

import java.util.Set;

import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Gets tokens with the client credentials grant (SEP-1046) through Spring Security's
 * {@link RestClientClientCredentialsTokenResponseClient}: {@code client_secret_basic}, {@code client_secret_post}
 * or {@code private_key_jwt}, with {@code resource} and {@code scope}.
 */
public final class ClientCredentialsTokenClient implements McpTokenClient {

	private final TokenEndpoints endpoints;

	private final TokenEndpointTarget target;

	private final RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();

	/**
	 * @param endpoints the registration's token-endpoint support
	 * @param target the MCP server's token endpoint
	 */
	public ClientCredentialsTokenClient(TokenEndpoints endpoints, TokenEndpointTarget target) {
		this.endpoints = endpoints;
		this.target = target;
		endpoints.configureForTarget(this.client, target);
	}

	@Override
	public OAuth2AccessTokenResponse requestToken(Set<String> scopes, String subjectToken) {
		OAuth2ClientCredentialsGrantRequest grant = new OAuth2ClientCredentialsGrantRequest(
				this.endpoints.clientRegistration(this.target, AuthorizationGrantType.CLIENT_CREDENTIALS, scopes));
		return this.endpoints.exchange(() -> this.client.getTokenResponse(grant));
	}

}
