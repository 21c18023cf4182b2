package dev.mcpoauth.sample;

import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mcpoauth.Jwts;

/**
 * {@link Jwts} bound to one issuer and one audience, so that a table of hostile tokens stays readable.
 */
final class TestTokens {

	private final String issuer;

	private final String audience;

	TestTokens(String issuer, String audience) {
		this.issuer = issuer;
		this.audience = audience;
	}

	/**
	 * The signing key of the sample's embedded authorization server, so tests can sign tokens it would accept.
	 */
	static RSAKey signingKey(JWKSource<SecurityContext> authorizationServerKeys) {
		try {
			return (RSAKey) authorizationServerKeys
				.get(new JWKSelector(new JWKMatcher.Builder().privateOnly(true).build()), null)
				.get(0);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	String sign(JWK key, Consumer<JWTClaimsSet.Builder> claims) {
		return Jwts.sign(key, null, this.issuer, this.audience, claims);
	}

	String sign(JWK key, JOSEObjectType type, Consumer<JWTClaimsSet.Builder> claims) {
		return Jwts.sign(key, type, this.issuer, this.audience, claims);
	}

	String unsigned() {
		return Jwts.unsigned(this.issuer, this.audience);
	}

	String hmacWithPublicKey(RSAKey rsa) {
		return Jwts.hmacWithPublicKey(rsa, this.issuer, this.audience);
	}

}
