package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link AccessTokenJwtDecoder} answers every token exactly as Spring Security's {@link NimbusJwtDecoder} on the
 * same processor and validator, with Spring's default claim conversion: the same {@link Jwt} for a valid token, the
 * same exception type and message for every refusal.
 */
class AccessTokenJwtDecoderTests {

	private static final String ISSUER = "https://idp.example";

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private static final RSAKey KEY = Jwts.rsa();

	private static final RSAKey OTHER_KEY_SAME_KID = Jwts.rsa();

	static Stream<Arguments> tokens() throws Exception {
		return Stream.of(Arguments.of("valid", Jwts.sign(KEY, ISSUER, AUDIENCE)),
				Arguments.of("valid, typ at+jwt", Jwts.sign(KEY, new JOSEObjectType("at+jwt"), ISSUER, AUDIENCE, (c) -> {
				})),
				Arguments.of("valid, two audiences and no iat",
						Jwts.sign(KEY, ISSUER, AUDIENCE, (c) -> c.audience(List.of(AUDIENCE, "other")).issueTime(null))),
				Arguments.of("expired", Jwts.sign(KEY, ISSUER, AUDIENCE,
						(c) -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600))))),
				Arguments.of("not yet valid", Jwts.sign(KEY, ISSUER, AUDIENCE,
						(c) -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(3600))))),
				Arguments.of("huge nbf", Jwts.sign(KEY, ISSUER, AUDIENCE, (c) -> c.claim("nbf", Long.MAX_VALUE))),
				Arguments.of("another issuer", Jwts.sign(KEY, "https://evil.example", AUDIENCE)),
				Arguments.of("ID-JAG type", Jwts.sign(KEY, new JOSEObjectType("oauth-id-jag+jwt"), ISSUER, AUDIENCE, (c) -> {
				})),
				Arguments.of("signed by another key with the same kid", Jwts.sign(OTHER_KEY_SAME_KID, ISSUER, AUDIENCE)),
				Arguments.of("unknown kid", Jwts.sign(Jwts.rsa(), ISSUER, AUDIENCE)),
				Arguments.of("unsecured", Jwts.unsigned(ISSUER, AUDIENCE)),
				Arguments.of("HS256 keyed with the public key", Jwts.hmacWithPublicKey(KEY, ISSUER, AUDIENCE)),
				Arguments.of("payload not JSON", notJson()), Arguments.of("not a JWT", "not-a-jwt"),
				Arguments.of("three garbage parts", "a.b.c"),
				Arguments.of("encrypted", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkExMjhHQ00ifQ.a.b.c.d"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("tokens")
	void answersAsNimbusJwtDecoder(String description, String token) {
		NumericDateCheckingJwtProcessor processor = AccessTokenDecoders.processor(new KidKeySelector(
				Set.of(JWSAlgorithm.RS256), new ImmutableJWKSet<SecurityContext>(new JWKSet(KEY.toPublicJWK()))));
		OAuth2TokenValidator<Jwt> validator = AccessTokenValidators.create(List.of(URI.create(ISSUER)),
				Duration.ofSeconds(60));
		NimbusJwtDecoder spring = new NimbusJwtDecoder(processor);
		spring.setJwtValidator(validator);
		JwtDecoder starter = new AccessTokenJwtDecoder(processor, validator);
		Object expected = decode(spring, token);
		Object actual = decode(starter, token);
		if (expected instanceof Jwt jwt) {
			assertThat(actual).isInstanceOfSatisfying(Jwt.class, (decoded) -> {
				assertThat(decoded.getTokenValue()).isEqualTo(jwt.getTokenValue());
				assertThat(decoded.getHeaders()).isEqualTo(jwt.getHeaders());
				assertThat(decoded.getClaims()).isEqualTo(jwt.getClaims());
				assertThat(decoded.getIssuedAt()).isEqualTo(jwt.getIssuedAt());
				assertThat(decoded.getExpiresAt()).isEqualTo(jwt.getExpiresAt());
			});
		}
		else {
			Throwable refusal = (Throwable) expected;
			assertThat(actual).isInstanceOfSatisfying(Throwable.class, (thrown) -> {
				assertThat(thrown).hasSameClassAs(refusal).hasMessage(refusal.getMessage());
				assertThat(causeType(thrown)).isEqualTo(causeType(refusal));
			});
		}
	}

	private static Object decode(JwtDecoder decoder, String token) {
		Throwable refusal = catchThrowable(() -> decoder.decode(token));
		return (refusal != null) ? refusal : decoder.decode(token);
	}

	private static Class<?> causeType(Throwable thrown) {
		return (thrown.getCause() != null) ? thrown.getCause().getClass() : null;
	}

	private static String notJson() throws Exception {
		JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build(),
				new Payload("hello"));
		jws.sign(new RSASSASigner(KEY));
		return jws.serialize();
	}

}
