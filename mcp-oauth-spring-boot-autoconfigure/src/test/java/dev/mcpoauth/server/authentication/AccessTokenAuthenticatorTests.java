package dev.mcpoauth.server.authentication;

import java.util.List;
import java.util.Map;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which tokens are verified locally and which are introspected.
 */
class AccessTokenAuthenticatorTests {

	private final RSAKey key = Jwts.rsa();

	private final JwtDecoder decoder = (token) -> {
		throw new JwtException("not used");
	};

	private final OpaqueTokenIntrospector introspector = (token) -> {
		throw new IllegalStateException("not used");
	};

	@Test
	void withBothOnlyWhatIsNotASignedJwtIsIntrospected() throws Exception {
		AccessTokenAuthenticator both = new AccessTokenAuthenticator(this.decoder,
				ScopeAuthoritiesConverter.authenticationConverter(), this.introspector, List.of(), Map.of());
		String signed = Jwts.sign(this.key, "https://idp.example", "aud");
		assertThat(both.introspects(signed)).isFalse();
		assertThat(both.introspects(Jwts.tampered(signed))).as("a bad signature is still a signed JWT").isFalse();
		assertThat(both.introspects(Jwts.sign(Jwts.ec(), null, "aud"))).isFalse();
		assertThat(both.introspects("2YotnFZFEjr1zCsicMWpAA")).isTrue();
		assertThat(both.introspects("a.b.c")).as("three parts that are no JWS").isTrue();
		assertThat(both.introspects(Jwts.unsigned("https://idp.example", "aud"))).as("alg=none is not signed")
			.isTrue();
		EncryptedJWT encrypted = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
				Jwts.claims("https://idp.example", "aud").build());
		encrypted.encrypt(new RSAEncrypter(this.key.toRSAPublicKey()));
		assertThat(both.introspects(encrypted.serialize())).as("an encrypted JWT is opaque to this server").isTrue();
	}

	@Test
	void withOneOnlyItDecides() {
		String signed = Jwts.sign(this.key, "https://idp.example", "aud");
		AccessTokenAuthenticator jwtOnly = new AccessTokenAuthenticator(this.decoder,
				ScopeAuthoritiesConverter.authenticationConverter(), null, List.of(), Map.of());
		assertThat(jwtOnly.introspects("opaque")).isFalse();
		AccessTokenAuthenticator introspectionOnly = new AccessTokenAuthenticator(null, null, this.introspector, List.of(), Map.of());
		assertThat(introspectionOnly.introspects(signed)).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> new AccessTokenAuthenticator(null, null, null, List.of(), Map.of()));
	}

}
