package dev.mcpoauth;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
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
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Keys and tokens for tests, made with Nimbus: valid access tokens, and every kind of hostile one a resource
 * server must refuse. Shared with the other modules' tests through this module's test-jar.
 */
public final class Jwts {

	private Jwts() {
	}

	/** A fresh RSA 2048 key with a random {@code kid}. */
	public static RSAKey rsa() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A fresh EC P-256 key with a random {@code kid}. */
	public static ECKey ec() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A JWK Set document holding the keys as given. */
	public static String jwks(JWK... keys) {
		return new JWKSet(List.of(keys)).toString(true);
	}

	/** Claims of an access token for the issuer and audience, valid for five minutes, with scope mcp:tools. */
	public static JWTClaimsSet.Builder claims(String issuer, String audience) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer)
			.subject("user")
			.audience(audience)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.jwtID(UUID.randomUUID().toString())
			.claim("scope", "mcp:tools");
	}

	public static String sign(JWK key, String issuer, String audience) {
		return sign(key, null, issuer, audience, (claims) -> {
		});
	}

	public static String sign(JWK key, String issuer, String audience, Consumer<JWTClaimsSet.Builder> claims) {
		return sign(key, null, issuer, audience, claims);
	}

	/**
	 * Sign an access token with the key (RS256, ES256 or HS256 by key type), naming its {@code kid}.
	 * @param key the signing key
	 * @param type the {@code typ} header, or {@code null} for none
	 * @param issuer the {@code iss}
	 * @param audience the {@code aud}
	 * @param claims adjusts the claims
	 * @return the serialized token
	 */
	public static String sign(JWK key, JOSEObjectType type, String issuer, String audience,
			Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = claims(issuer, audience);
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
	public static String unsigned(String issuer, String audience) {
		return new PlainJWT(claims(issuer, audience).build()).serialize();
	}

	/**
	 * The algorithm-confusion attack: HS256 keyed with the RSA public key's encoded bytes, naming the RSA key's
	 * {@code kid}.
	 */
	public static String hmacWithPublicKey(RSAKey rsa, String issuer, String audience) {
		try {
			byte[] secret = rsa.toRSAPublicKey().getEncoded();
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
					claims(issuer, audience).build());
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The token with one character of its signature changed. */
	public static String tampered(String token) {
		int at = token.length() - 5;
		char replacement = (token.charAt(at) == 'A') ? 'B' : 'A';
		return token.substring(0, at) + replacement + token.substring(at + 1);
	}

}
