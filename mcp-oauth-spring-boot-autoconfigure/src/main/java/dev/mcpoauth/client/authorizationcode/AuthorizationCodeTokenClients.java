package dev.mcpoauth.client.authorizationcode;

import java.time.Clock;
import java.time.Duration;

import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;


/**
 * Makes the authorization code flow's token client of one registration for each authorization server it is sent to.
 * The client's identity at each authorization server (configured, a client ID metadata document, or dynamic
 * registration) is kept here for the life of the registration, per issuer; tokens are kept in the
 * {@link AuthorizationCodeState}'s {@code OAuth2AuthorizedClientService}, under a registration id that names the
 * issuer too, and each token client is made known there for a web application's callback.
 */
public final class AuthorizationCodeTokenClients {

	private final TokenEndpoints endpoints;

	private final ClientIdentities identities;

	private final AuthorizationCodeState state;

	private final AuthorizationCodeUserAgent userAgent;

	private final Duration expiryMargin;

	private final Clock clock;

	/**
	 * @param endpoints the registration's token-endpoint support
	 * @param userAgent takes authorization requests to the resource owner
	 * @param state where the flow's client registrations and tokens are kept
	 * @param connectTimeout connect timeout of registration requests
	 * @param readTimeout read timeout of registration requests
	 * @param expiryMargin how long before expiry a token is renewed
	 * @param clock the clock
	 */
	public AuthorizationCodeTokenClients(TokenEndpoints endpoints, AuthorizationCodeUserAgent userAgent,
			AuthorizationCodeState state, Duration connectTimeout, Duration readTimeout, Duration expiryMargin, Clock clock) {
		this.endpoints = endpoints;
		this.userAgent = userAgent;
		this.state = state;
		this.expiryMargin = expiryMargin;
		this.clock = clock;
		this.identities = new ClientIdentities(endpoints.registrationName(), endpoints.registration(),
				new DynamicClientRegistration(endpoints.registrationName(),
						endpoints.authorizationServerClient(connectTimeout, readTimeout)),
				state.clientRegistrations(), clock);
	}

	/**
	 * @param target a discovered target, with its authorization server's metadata
	 * @return its token client
	 */
	public McpTokenClient create(TokenEndpointTarget target) {
		AuthorizationCodeTokenClient client = new AuthorizationCodeTokenClient(this.endpoints, target,
				this.identities, this.state.clientRegistrations(), this.state.authorizedClients(), this.userAgent,
				this.expiryMargin, this.clock);
		this.state.register(ClientIdentities.registrationId(this.endpoints.registrationName(), target.issuer(),
				target.resource()), client);
		return client;
	}

	@Override
	public String toString() {
		return "AuthorizationCodeTokenClients[" + this.endpoints.registrationName() + "]";
	}

}
