package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direct conversion gives exactly what Spring Security's default converter gives, for the claim types Nimbus
 * hands over and for the others (which it leaves to Spring's), with the same issuer again and a new one.
 */
class AccessTokenClaimSetConverterTests {

	private static final Date EXP = new Date(1_900_000_000_000L);

	private final MappedJwtClaimSetConverter spring = MappedJwtClaimSetConverter.withDefaults(Map.of());

	private final AccessTokenClaimSetConverter converter = new AccessTokenClaimSetConverter();

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("typical access token", claims("iss", "https://idp.example", "sub", "user", "aud",
				List.of("https://mcp.example/mcp"), "exp", EXP, "iat", new Date(1_899_999_000_000L), "nbf",
				new Date(1_899_999_000_000L), "jti", "id-1", "scope", "mcp:tools")),
				Arguments.of("single audience as a string", claims("iss", "https://idp.example", "aud", "one", "exp", EXP)),
				Arguments.of("no iat: exp minus one second", claims("iss", "https://idp.example", "exp", EXP)),
				Arguments.of("null values dropped", claims("iss", "https://idp.example", "sub", null, "exp", EXP, "x", null)),
				Arguments.of("issuer that reads differently as a URL",
						claims("iss", "HTTPS://IDP.example:443/tenant", "exp", EXP)),
				Arguments.of("issuer that is not a URL", claims("iss", "my-issuer", "exp", EXP)),
				Arguments.of("issuer that is a URN", claims("iss", "urn:example:issuer", "exp", EXP)),
				Arguments.of("empty issuer", claims("iss", "", "exp", EXP)),
				Arguments.of("times as numbers", claims("iss", "https://idp.example", "exp", 1_900_000_000L, "nbf", 5)),
				Arguments.of("issuer as a URI", claims("iss", URI.create("https://idp.example"), "exp", EXP)),
				Arguments.of("subject as a number", claims("iss", "https://idp.example", "sub", 42, "exp", EXP)),
				Arguments.of("audience with a null and a number",
						claims("iss", "https://idp.example", "aud", Arrays.asList("a", null, 7), "exp", EXP)),
				Arguments.of("no claims", claims()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void convertsAsSpringSecurityDoes(String description, Map<String, Object> claims) {
		Map<String, Object> expected = this.spring.convert(claims);
		assertThat(this.converter.convert(claims)).isEqualTo(expected);
		assertThat(this.converter.convert(claims)).as("again, with the issuer remembered").isEqualTo(expected);
		assertThat(this.converter.convert(claims("iss", "https://other.example", "exp", EXP)))
			.isEqualTo(this.spring.convert(claims("iss", "https://other.example", "exp", EXP)));
		assertThat(this.converter.convert(claims)).as("after another issuer").isEqualTo(expected);
	}

	private static Map<String, Object> claims(Object... namesAndValues) {
		Map<String, Object> claims = new HashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			claims.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return claims;
	}

}
