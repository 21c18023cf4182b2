package dev.mcpoauth.sample;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints access tokens for tests with Nimbus: valid ones, and every kind of hostile one the resource server must
 * refuse. The test owns the signing keys, or borrows the authorization server's.
 */
final class TestTokens {

	private final String issuer;

	private final String audience;

	TestTokens(String issuer, String audience) {
		this.issuer = issuer;
		this.audience = audience;
	}

	/** Claims of a token that should be accepted, with the endpoint's scope. */
	JWTClaimsSet.Builder validClaims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(this.issuer)
			.subject("test-user")
			.audience(this.audience)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.jwtID(UUID.randomUUID().toString())
			.claim("scope", "mcp:tools");
	}

	String sign(JWK key, Consumer<JWTClaimsSet.Builder> claims) {
		return sign(key, null, claims);
	}

	String sign(JWK key, JOSEObjectType type, Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = validClaims();
		claims.accept(builder);
		try {
			JWSAlgorithm algorithm = (key instanceof ECKey) ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
			JWSSigner signer = (key instanceof ECKey ec) ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
			JWSHeader header = new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(type).build();
			SignedJWT jwt = new SignedJWT(header, builder.build());
			jwt.sign(signer);
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An unsecured token ({@code alg=none}) with valid claims. */
	String unsigned() {
		return new PlainJWT(validClaims().build()).serialize();
	}

	/**
	 * The algorithm-confusion attack: HS256 with the RSA public key's encoded bytes as the HMAC secret, naming the
	 * RSA key's {@code kid}.
	 */
	String hmacWithPublicKey(RSAKey rsa) {
		try {
			byte[] secret = rsa.toRSAPublicKey().getEncoded();
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
					validClaims().build());
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The token with its signature's last characters changed. */
	static String tampered(String token) {
		char last = token.charAt(token.length() - 5);
		return token.substring(0, token.length() - 5) + ((last == 'A') ? 'B' : 'A') + token.substring(token.length() - 4);
	}

}
