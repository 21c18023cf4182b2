package dev.mcpoauth.client.authorizationcode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The authorization code flow's token client for one MCP server at one authorization server: tokens come from a
 * Spring Security {@link AuthorizedClientServiceOAuth2AuthorizedClientManager} over the configured
 * {@link OAuth2AuthorizedClientService}, with {@link AuthorizationCodeProvider} (authorize, refresh), keyed by the
 * client's registration at that authorization server and the resource owner. {@code McpAuthorization} keeps the
 * token it hands out in memory and applies the replay and step-up rules; when the MCP server refuses a token, the
 * stored one is marked expired (so that its refresh token is used) or, without a refresh token, removed.
 */
final class AuthorizationCodeTokenClient implements McpTokenClient {

	private final String name;

	private final TokenEndpointTarget target;

	private final ClientIdentities identities;

	private final McpClientRegistrationRepository repository;

	private final OAuth2AuthorizedClientService service;

	private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;

	private final RestClientAuthorizationCodeTokenResponseClient codes;

	private final TokenEndpoints endpoints;

	private final Clock clock;

	AuthorizationCodeTokenClient(TokenEndpoints endpoints, TokenEndpointTarget target, ClientIdentities identities,
			McpClientRegistrationRepository repository, OAuth2AuthorizedClientService service,
			AuthorizationCodeUserAgent userAgent, Duration expiryMargin, Clock clock) {
		this.name = endpoints.registrationName();
		this.target = target;
		this.identities = identities;
		this.repository = repository;
		this.service = service;
		this.endpoints = endpoints;
		this.clock = clock;
		RestClientAuthorizationCodeTokenResponseClient codes = new RestClientAuthorizationCodeTokenResponseClient();
		endpoints.configureForTarget(codes, target);
		this.codes = codes;
		RestClientRefreshTokenTokenResponseClient refreshes = new RestClientRefreshTokenTokenResponseClient();
		endpoints.configureForTarget(refreshes, target);
		this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(repository, service);
		this.manager.setAuthorizedClientProvider(new AuthorizationCodeProvider(endpoints, target, userAgent,
				new OAuth2AuthorizationCodeAuthenticationProvider(codes), refreshes, expiryMargin, clock));
		this.manager.setContextAttributesMapper(OAuth2AuthorizeRequest::getAttributes);
	}

	@Override
	public OAuth2AccessTokenResponse requestToken(Set<String> scopes, String resourceOwner) {
		ClientRegistration registration = this.identities.forTarget(this.target);
		OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(registration.getRegistrationId())
			.principal(resourceOwner)
			.attribute(AuthorizationCodeProvider.SCOPES, scopes)
			.attribute(AuthorizationCodeProvider.REGISTRATION, registration)
			.build();
		OAuth2AuthorizedClient client;
		try {
			client = this.manager.authorize(request);
		}
		catch (ClientAuthorizationRequiredException ex) {
			throw ex;
		}
		catch (OAuth2AuthorizationException ex) {
			throw this.endpoints.translate(ex);
		}
		if (client == null) {
			throw new McpOAuthClientException(this.name, "authorization_failed",
					"No authorized client for " + this.target.issuer(), 0);
		}
		return response(client.getAccessToken());
	}

	/**
	 * Exchange the code of an authorization response that came back to a web application's callback (the
	 * {@code state} was checked by Spring Security, the rest by {@link AuthorizationResponses}): the token request
	 * carries the {@code code_verifier}, {@code redirect_uri}, {@code resource} and the client's authentication, as
	 * for the headless flow. Scopes the response does not name are those asked for (RFC 6749 section 5.1).
	 * @param grantRequest the grant request
	 * @return the token response
	 * @throws McpOAuthClientException when the authorization server refuses it
	 */
	OAuth2AccessTokenResponse exchange(OAuth2AuthorizationCodeGrantRequest grantRequest) {
		OAuth2AccessTokenResponse response = this.endpoints.exchange(() -> this.codes.getTokenResponse(grantRequest));
		if (!response.getAccessToken().getScopes().isEmpty()) {
			return response;
		}
		return OAuth2AccessTokenResponse.withResponse(response)
			.scopes(grantRequest.getAuthorizationExchange().getAuthorizationRequest().getScopes())
			.build();
	}

	/**
	 * The token as the in-memory cache takes it: its value, type, scopes and remaining lifetime, rounded up to whole
	 * seconds and at least 2 (a lifetime of 1 second or less reads as "expiry unknown" there). The cache thus renews
	 * it no earlier than {@link AuthorizationCodeProvider} would, and never hands out a token the provider keeps.
	 */
	private OAuth2AccessTokenResponse response(OAuth2AccessToken token) {
		OAuth2AccessTokenResponse.Builder response = OAuth2AccessTokenResponse.withToken(token.getTokenValue())
			.tokenType(token.getTokenType())
			.scopes(token.getScopes());
		Instant issued = token.getIssuedAt();
		Instant expires = token.getExpiresAt();
		if (issued != null && expires != null && expires.isAfter(issued.plusSeconds(1))) {
			long millis = Duration.between(this.clock.instant(), expires).toMillis();
			response.expiresIn(Math.max(2, (millis + 999) / 1000));
		}
		return response.build();
	}

	@Override
	public void refused(String token, String resourceOwner) {
		String id = ClientIdentities.registrationId(this.name, this.target.issuer(), this.target.resource());
		ClientRegistration registration = this.repository.findByRegistrationId(id);
		if (registration == null) {
			return;
		}
		OAuth2AuthorizedClient stored = this.service.loadAuthorizedClient(id, resourceOwner);
		if (stored == null || !stored.getAccessToken().getTokenValue().equals(token)) {
			return;
		}
		if (stored.getRefreshToken() == null) {
			this.service.removeAuthorizedClient(id, resourceOwner);
			return;
		}
		Instant now = this.clock.instant();
		OAuth2AccessToken expired = new OAuth2AccessToken(stored.getAccessToken().getTokenType(), token,
				now.minus(Duration.ofHours(1)), now.minusSeconds(1), stored.getAccessToken().getScopes());
		this.service.saveAuthorizedClient(
				new OAuth2AuthorizedClient(stored.getClientRegistration(), resourceOwner, expired,
						stored.getRefreshToken()),
				UsernamePasswordAuthenticationToken.unauthenticated(resourceOwner, null));
	}

	@Override
	public String toString() {
		return "AuthorizationCodeTokenClient[" + this.name + ", " + this.target.issuer() + "]";
	}

}
