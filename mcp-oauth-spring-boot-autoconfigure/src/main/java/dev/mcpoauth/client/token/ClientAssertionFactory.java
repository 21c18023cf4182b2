package dev.mcpoauth.client.token;

import java.net.URI;
import java.time.Duration;

/**
 * Creates RFC 7523 client assertions for {@code private_key_jwt} client authentication. The default signs with the
 * key in {@code private-key-location}; declare a bean of this type to sign elsewhere (a KMS or an HSM).
 */
@FunctionalInterface
public interface ClientAssertionFactory {

	/**
	 * Create a signed client assertion.
	 * @param request what the assertion must say
	 * @return the compact-serialized JWT
	 */
	String createAssertion(ClientAssertionRequest request);

	/**
	 * What a client assertion must say: {@code iss} = {@code sub} = the client id, {@code aud} = the authorization
	 * server's issuer identifier, and a lifetime; the factory adds {@code iat}, {@code exp} and a unique {@code jti}.
	 *
	 * @param registration the registration name
	 * @param clientId the client id
	 * @param audience the authorization server's issuer identifier
	 * @param lifetime how long the assertion is valid
	 */
	record ClientAssertionRequest(String registration, String clientId, URI audience, Duration lifetime) {
	}

}
