package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Hostile tokens whose header Spring's {@link NimbusJwtDecoder} refuses with a {@link JwtException} (a 401): the
 * starter's decoder must refuse them the same way, never with another exception (a 500).
 */
class AccessTokenJwtDecoderBreakTests {

	private static final String ISSUER = "https://idp.example";

	private static final RSAKey KEY = Jwts.rsa();

	static Stream<Arguments> headers() {
		return Stream.of(Arguments.of("null"), Arguments.of(" null "), Arguments.of("[]"), Arguments.of("\"x\""), Arguments.of("123"),
				Arguments.of("{\"alg\":\"RS256\",\"kid\":123}"), Arguments.of("{\"alg\":\"RS256\",\"typ\":123}"),
				Arguments.of("{\"alg\":\"RS256\",\"jwk\":\"x\"}"),
				Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}}"),
				Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"n\":\"\",\"e\":\"\"}}"),
				Arguments.of("{\"alg\":\"RS256\",\"x5c\":[\"!!\"]}"), Arguments.of("{\"alg\":\"RS256\",\"x5u\":\"::\"}"),
				Arguments.of("{\"alg\":\"RS256\",\"crit\":[\"exp\"]}"), Arguments.of("{\"alg\":\"RS256\",\"crit\":\"b64\"}"),
				Arguments.of("{\"alg\":\"RS256\",\"b64\":\"no\"}"),
				Arguments.of("{\"alg\":\"RS256\",\"b64\":false,\"crit\":[\"b64\"]}"),
				Arguments.of("{\"alg\":\"RS256\",\"enc\":\"A128GCM\"}"), Arguments.of("{\"alg\":null}"),
				Arguments.of("{\"alg\":\"\"}"), Arguments.of("{\"alg\":{}}"), Arguments.of("{}"),
				Arguments.of("{\"alg\":\"RS256\",\"crit\":[1]}"), Arguments.of("{\"alg\":\"RS256\",\"crit\":[null]}"), Arguments.of("{\"alg\":\"RS256\",\"x5c\":[1]}"), Arguments.of("{\"alg\":\"RS256\",\"x5c\":[null]}"), Arguments.of("{\"alg\":\"RS256\",\"x5c\":[]}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-999\",\"x\":\"AA\",\"y\":\"AA\"}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"\"}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"\"}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\",\"use\":\"bogus\"}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\",\"key_ops\":[1]}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\",\"x5c\":[\"AA\"]}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\",\"exp\":\"x\"}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\",\"revoked\":{}}}"), Arguments.of("{\"alg\":\"RS256\",\"jwk\":null}"), Arguments.of("{\"alg\":\"RS256\",\"kid\":null}"), Arguments.of("{\"alg\":\"RS256\",\"typ\":null}"), Arguments.of("{\"alg\":\"RS256\",\"jku\":\"http://[\"}"), Arguments.of("{\"alg\":\"RS256\",\"x5u\":\"http://[\"}"), Arguments.of("{\"alg\":\"RS256\",\"x5t#S256\":1}"), Arguments.of("{\"alg\":\"RS256\",\"b64\":null}"), Arguments.of("{\"alg\":\"RS256\",\"iat\":\"x\"}"), Arguments.of("{\"alg\":\"RS256\",\"alg\":\"none\"}"), Arguments.of("{\"alg\":\"RS256\",\"zip\":\"DEF\"}"), Arguments.of("{\"alg\":\"RS256\",\"enc\":null}"), Arguments.of("{\"alg\":\"RS256\",\"epk\":{}}"), Arguments.of("{\"alg\":\"RS256\",\"cty\":1}"), Arguments.of("{\"alg\":\"RS256\",\"kid\":\"a\"}x"), Arguments.of("{\"alg\":\"RS256\""));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("headers")
	void refusesAHostileHeaderAsNimbusJwtDecoder(String header) {
		String token = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ Base64URL.encode("{\"iss\":\"https://idp.example\"}") + ".c2ln";
		NumericDateCheckingJwtProcessor processor = AccessTokenDecoders.processor(new KidKeySelector(
				Set.of(JWSAlgorithm.RS256), new ImmutableJWKSet<SecurityContext>(new JWKSet(KEY.toPublicJWK()))));
		OAuth2TokenValidator<Jwt> validator = AccessTokenValidators.create(List.of(URI.create(ISSUER)),
				Duration.ofSeconds(60));
		NimbusJwtDecoder spring = new NimbusJwtDecoder(processor);
		spring.setJwtValidator(validator);
		JwtDecoder starter = new AccessTokenJwtDecoder(processor, validator);
		Throwable expected = catchThrowable(() -> spring.decode(token));
		Throwable actual = catchThrowable(() -> starter.decode(token));
		assertThat(expected).isInstanceOf(JwtException.class);
		assertThat(actual).isInstanceOf(JwtException.class).hasSameClassAs(expected);
	}

}
