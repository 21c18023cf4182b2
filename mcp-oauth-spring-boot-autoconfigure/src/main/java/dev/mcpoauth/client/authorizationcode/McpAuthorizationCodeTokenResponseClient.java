package dev.mcpoauth.client.authorizationcode;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The code exchange of a web application's callback: sends the grant request to the token client of its client
 * registration ({@link AuthorizationCodeTokenClient#exchange}, with {@code resource} and the client authentication of
 * that authorization server). An authorization server's refusal becomes an {@link OAuth2AuthorizationException} with
 * its {@code error} and description, which Spring Security's callback filter reports to the callback.
 */
final class McpAuthorizationCodeTokenResponseClient
		implements OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> {

	private final AuthorizationCodeState state;

	McpAuthorizationCodeTokenResponseClient(AuthorizationCodeState state) {
		this.state = state;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(OAuth2AuthorizationCodeGrantRequest grantRequest) {
		AuthorizationCodeTokenClient client = this.state
			.tokenClient(grantRequest.getClientRegistration().getRegistrationId());
		if (client == null) {
			throw new OAuth2AuthorizationException(
					new OAuth2Error("invalid_request", "No MCP registration made this authorization request", null));
		}
		try {
			return client.exchange(grantRequest);
		}
		catch (McpOAuthClientException ex) {
			throw new OAuth2AuthorizationException(new OAuth2Error(ex.getError(), ex.getErrorDescription(), null), ex);
		}
	}

}
