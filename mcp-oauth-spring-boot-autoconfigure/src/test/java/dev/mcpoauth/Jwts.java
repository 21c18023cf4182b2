package dev.mcpoauth;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Keys and signed tokens for the auto-configuration's tests, made with Nimbus.
 */
public final class Jwts {

	private Jwts() {
	}

	public static RSAKey rsa() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static ECKey ec() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String jwks(JWK... keys) {
		return new JWKSet(java.util.List.of(keys)).toString(true);
	}

	/** A token for the issuer and audience, valid for five minutes, adjusted by the consumer. */
	public static String sign(JWK key, String issuer, String audience, Consumer<JWTClaimsSet.Builder> claims) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(issuer)
			.subject("user")
			.audience(audience)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.claim("scope", "mcp:tools");
		claims.accept(builder);
		try {
			JWSAlgorithm algorithm;
			JWSSigner signer;
			if (key instanceof ECKey ec) {
				algorithm = JWSAlgorithm.ES256;
				signer = new ECDSASigner(ec);
			}
			else if (key instanceof OctetSequenceKey secret) {
				algorithm = JWSAlgorithm.HS256;
				signer = new MACSigner(secret);
			}
			else {
				algorithm = JWSAlgorithm.RS256;
				signer = new RSASSASigner((RSAKey) key);
			}
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(),
					builder.build());
			jwt.sign(signer);
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String sign(JWK key, String issuer, String audience) {
		return sign(key, issuer, audience, (claims) -> {
		});
	}

}
