package dev.mcpoauth.client.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signs client assertions with Nimbus, using the key each registration names in {@code private-key-location}
 * (loaded once, at start-up).
 */
public final class NimbusClientAssertionFactory implements ClientAssertionFactory {

	private final Map<String, AssertionSigningKey> keys;

	private final Clock clock;

	/**
	 * @param keys signing keys by registration name
	 * @param clock the clock
	 */
	public NimbusClientAssertionFactory(Map<String, AssertionSigningKey> keys, Clock clock) {
		this.keys = Map.copyOf(keys);
		this.clock = clock;
	}

	@Override
	public String createAssertion(ClientAssertionRequest request) {
		AssertionSigningKey key = this.keys.get(request.registration());
		if (key == null) {
			throw new IllegalStateException("MCP registration '" + request.registration()
					+ "' has no private-key-location to sign a client assertion with");
		}
		Instant now = this.clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(request.clientId())
			.subject(request.clientId())
			.audience(request.audience().toString())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(request.lifetime())))
			.jwtID(UUID.randomUUID().toString())
			.build();
		SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(key.algorithm()).keyID(key.keyId()).build(), claims);
		try {
			assertion.sign(key.signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Signing the client assertion of MCP registration '"
					+ request.registration() + "' failed: " + ex.getMessage());
		}
		return assertion.serialize();
	}

}
