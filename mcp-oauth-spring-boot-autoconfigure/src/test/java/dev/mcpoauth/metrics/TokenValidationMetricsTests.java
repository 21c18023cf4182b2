package dev.mcpoauth.metrics;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.server.McpOAuthServerProperties;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;
import dev.mcpoauth.server.jwt.AccessTokenDecoders;
import dev.mcpoauth.server.jwt.KeySetSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Token validations and JWK Set fetches as meters, through real observations, against a JWK Set served on
 * loopback: the accepted token and each refusal reason move the meter of their outcome and reason, the JWK Set
 * fetches (and a failed one) move theirs, a fetch is a child of the validation that needed it (as tracing sees it),
 * and no tag holds a token or a subject.
 */
class TokenValidationMetricsTests {

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private static final String VALIDATIONS = "mcp.oauth.server.token.validations";

	private static final String SUBJECT = "alice-subject-7f3a";

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private final Meters meters = new Meters();

	private final AccessTokenAuthenticator authenticator;

	TokenValidationMetricsTests() {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		this.authenticator = authenticator(this.idp.url() + "/jwks");
	}

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private AccessTokenAuthenticator authenticator(String jwkSetUri) {
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(URI.create(this.idp.url()));
		properties.setJwkSetUri(URI.create(jwkSetUri));
		AccessTokenAuthenticator authenticator = new AccessTokenAuthenticator(
				AccessTokenDecoders.create(properties, (issuer) -> null,
						new KeySetSources(this.meters.observations, Clock.systemUTC())),
				ScopeAuthoritiesConverter.authenticationConverter(), null, List.of(AUDIENCE), Map.of());
		authenticator.setObservationRegistry(this.meters.observations);
		return authenticator;
	}

	private void authenticate(String token) {
		this.authenticator.authenticate(new BearerTokenAuthenticationToken(token), () -> AUDIENCE, true);
	}

	private String token() {
		return Jwts.sign(this.key, this.idp.url(), AUDIENCE, (claims) -> claims.subject(SUBJECT));
	}

	@Test
	void anAcceptedTokenMovesTheAcceptedMeterAndTheJwkSetFetchesOnce() {
		authenticate(token());
		authenticate(token());
		assertThat(this.meters.count(VALIDATIONS, "outcome", "accepted", "reason", "none", "method", "jwt"))
			.isEqualTo(2);
		assertThat(this.meters.count(VALIDATIONS, "outcome", "refused")).isZero();
		assertThat(this.meters.count("mcp.oauth.server.jwks.fetches", "outcome", "success", "error", "none"))
			.isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.jwks.fetches", "outcome", "failure")).isZero();
	}

	@Test
	void theJwkSetFetchIsAChildOfTheValidationThatNeededIt() {
		List<String> parents = new CopyOnWriteArrayList<>();
		this.meters.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStart(Observation.Context context) {
				ObservationView parent = context.getParentObservation();
				parents.add(context.getName() + " <- "
						+ ((parent != null) ? parent.getContextView().getName() : "none"));
			}

		});
		authenticate(token());
		assertThat(parents).containsExactly("mcp.oauth.server.token.validations <- none",
				"mcp.oauth.server.jwks.fetches <- mcp.oauth.server.token.validations");
	}

	static Stream<Arguments> refusals() {
		Instant now = Instant.now();
		return Stream.of(
				refusal("expired", (t) -> Jwts.sign(t.key, t.idp.url(), AUDIENCE,
						(claims) -> claims.issueTime(Date.from(now.minusSeconds(900)))
							.expirationTime(Date.from(now.minusSeconds(600))))),
				refusal("not_yet_valid", (t) -> Jwts.sign(t.key, t.idp.url(), AUDIENCE,
						(claims) -> claims.notBeforeTime(Date.from(now.plusSeconds(600))))),
				refusal("wrong_issuer", (t) -> Jwts.sign(t.key, "https://evil.example", AUDIENCE)),
				refusal("wrong_audience", (t) -> Jwts.sign(t.key, t.idp.url(), "https://other.example/mcp")),
				refusal("wrong_type", (t) -> Jwts.sign(t.key, new JOSEObjectType("oauth-id-jag+jwt"), t.idp.url(),
						AUDIENCE, (claims) -> {
						})),
				refusal("invalid_claims",
						(t) -> Jwts.sign(t.key, t.idp.url(), AUDIENCE, (claims) -> claims.expirationTime(null))),
				refusal("bad_signature", (t) -> Jwts.tampered(t.token())),
				refusal("unknown_key", (t) -> Jwts.sign(Jwts.rsa(), t.idp.url(), AUDIENCE)),
				refusal("malformed", (t) -> "not-a-jwt"),
				refusal("malformed", (t) -> Jwts.unsigned(t.idp.url(), AUDIENCE)),
				refusal("sender_constrained", (t) -> Jwts.sign(t.key, t.idp.url(), AUDIENCE,
						(claims) -> claims.claim("cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")))));
	}

	private static Arguments refusal(String reason, Function<TokenValidationMetricsTests, String> token) {
		return Arguments.of(reason, token);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusals")
	void eachRefusalMovesTheMeterOfItsReason(String reason, Function<TokenValidationMetricsTests, String> token) {
		String refused = token.apply(this);
		assertThatExceptionOfType(InvalidBearerTokenException.class).isThrownBy(() -> authenticate(refused));
		assertThat(this.meters.count(VALIDATIONS, "outcome", "refused", "reason", reason, "method", "jwt"))
			.isEqualTo(1);
		assertThat(this.meters.count(VALIDATIONS)).isEqualTo(1);
		this.meters.assertNoTagHolds(refused, SUBJECT, refused.substring(0, Math.min(20, refused.length())));
	}

	@Test
	void aJwkSetThatCannotBeFetchedIsAFailedFetchAndAnUncheckedToken() {
		AccessTokenAuthenticator unreachable = authenticator(this.idp.url() + "/missing-jwks");
		assertThatExceptionOfType(InvalidBearerTokenException.class).isThrownBy(
				() -> unreachable.authenticate(new BearerTokenAuthenticationToken(token()), () -> AUDIENCE, true));
		assertThat(this.meters.count("mcp.oauth.server.jwks.fetches", "outcome", "failure")).isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.jwks.fetches", "outcome", "success")).isZero();
		assertThat(this.meters.count(VALIDATIONS, "outcome", "unchecked", "reason", "key_source_unavailable"))
			.isEqualTo(1);
	}

	@Test
	void noTagHoldsTheTokenOrItsSubject() {
		String token = token();
		authenticate(token);
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> authenticate(Jwts.sign(this.key, this.idp.url(), "https://other.example/mcp",
					(claims) -> claims.subject(SUBJECT))));
		this.meters.assertNoTagHolds(token, SUBJECT, this.idp.url() + "/jwks");
		assertThat(this.meters.registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getName())
			.startsWith("mcp.oauth.server."));
	}

}
