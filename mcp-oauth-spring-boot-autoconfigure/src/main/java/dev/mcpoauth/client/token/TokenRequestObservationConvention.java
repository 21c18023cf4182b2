package dev.mcpoauth.client.token;

import io.micrometer.common.KeyValues;

import dev.mcpoauth.observation.McpOAuthObservations;

import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * Spring's HTTP client observation of the requests of one client registration to an authorization server, under
 * the name {@value McpOAuthObservations#CLIENT_TOKEN_REQUESTS}: Spring's keys ({@code outcome}, {@code status},
 * {@code method}, {@code client.name}, {@code exception}, {@code uri}) with the registration's name and the endpoint.
 * Request bodies (credentials, assertions, codes) and responses (tokens) are never read.
 */
final class TokenRequestObservationConvention extends DefaultClientRequestObservationConvention {

	private final KeyValues extra;

	/**
	 * @param registrationName the registration's name
	 * @param endpoint {@code token} or {@code registration}
	 */
	TokenRequestObservationConvention(String registrationName, String endpoint) {
		super(McpOAuthObservations.CLIENT_TOKEN_REQUESTS);
		this.extra = KeyValues.of(McpOAuthObservations.REGISTRATION, registrationName, McpOAuthObservations.ENDPOINT,
				endpoint);
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ClientRequestObservationContext context) {
		return super.getLowCardinalityKeyValues(context).and(this.extra);
	}

}
