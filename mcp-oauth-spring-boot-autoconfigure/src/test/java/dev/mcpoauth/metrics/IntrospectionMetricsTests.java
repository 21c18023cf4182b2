package dev.mcpoauth.metrics;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Tags;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;
import dev.mcpoauth.server.introspection.CachingOpaqueTokenIntrospector;
import dev.mcpoauth.server.introspection.IntrospectedTokenRules;
import dev.mcpoauth.server.introspection.IntrospectionClientAuthentication;
import dev.mcpoauth.server.introspection.IntrospectionEndpoint;
import dev.mcpoauth.server.introspection.RemoteOpaqueTokenIntrospector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Introspection calls and the introspection cache as meters, against an introspection endpoint on loopback whose
 * answers the test switches: an active token (then answered from the cache), an inactive one, an endpoint that
 * fails; no tag holds a token, the client's secret or the subject.
 */
class IntrospectionMetricsTests {

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private static final String SECRET = "introspection-secret-91c2";

	private static final String SUBJECT = "bob-subject-4d1e";

	private final StubHttpServer as = new StubHttpServer();

	private final AtomicReference<Response> answer = new AtomicReference<>();

	private final Meters meters = new Meters();

	private final CachingOpaqueTokenIntrospector cache;

	private final AccessTokenAuthenticator authenticator;

	IntrospectionMetricsTests() {
		this.as.handle("/introspect", (request) -> this.answer.get());
		RemoteOpaqueTokenIntrospector remote = new RemoteOpaqueTokenIntrospector(
				IntrospectionEndpoint.of(URI.create(this.as.url() + "/introspect")),
				IntrospectionClientAuthentication.clientSecretBasic("mcp-server", SECRET),
				new IntrospectedTokenRules(List.of(URI.create(this.as.url())), Duration.ofSeconds(60),
						Clock.systemUTC()),
				Duration.ofSeconds(2), Duration.ofSeconds(5));
		remote.setObservationRegistry(this.meters.observations);
		this.cache = new CachingOpaqueTokenIntrospector(remote, Duration.ofMinutes(5), 100, Clock.systemUTC());
		new CacheStatisticsMeterBinder(this.cache.statistics(), McpOAuthMetricsAutoConfiguration.INTROSPECTION_CACHE,
				Tags.empty())
			.bindTo(this.meters.registry);
		this.authenticator = new AccessTokenAuthenticator(null, ScopeAuthoritiesConverter.authenticationConverter(),
				this.cache, List.of(AUDIENCE), Map.of());
		this.authenticator.setObservationRegistry(this.meters.observations);
	}

	@AfterEach
	void stop() {
		this.as.close();
	}

	private String active() {
		long now = Instant.now().getEpochSecond();
		return "{\"active\":true,\"sub\":\"" + SUBJECT + "\",\"iss\":\"" + this.as.url() + "\",\"aud\":\"" + AUDIENCE
				+ "\",\"scope\":\"mcp:tools\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}";
	}

	private void authenticate(String token) {
		this.authenticator.authenticate(new BearerTokenAuthenticationToken(token), () -> AUDIENCE, true);
	}

	private double cacheGets(String result) {
		return this.meters.registry.get("cache.gets")
			.tags("cache", McpOAuthMetricsAutoConfiguration.INTROSPECTION_CACHE, "result", result)
			.functionCounter()
			.count();
	}

	@Test
	void anActiveTokenIsOneCallThenACacheHit() {
		this.answer.set(Response.json(active()));
		authenticate("opaque-token-active-1");
		authenticate("opaque-token-active-1");
		assertThat(this.meters.count("mcp.oauth.server.introspections", "outcome", "active", "error", "none"))
			.isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.token.validations", "outcome", "accepted", "reason", "none",
				"method", "introspection"))
			.isEqualTo(2);
		assertThat(cacheGets("hit")).isEqualTo(1);
		assertThat(cacheGets("miss")).isEqualTo(1);
		this.meters.assertNoTagHolds("opaque-token-active-1", SECRET, SUBJECT);
	}

	@Test
	void anInactiveTokenIsRefusedAsInactive() {
		this.answer.set(Response.json("{\"active\":false}"));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> authenticate("opaque-token-inactive-2"));
		assertThat(this.meters.count("mcp.oauth.server.introspections", "outcome", "inactive")).isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.token.validations", "outcome", "refused", "reason", "inactive",
				"method", "introspection"))
			.isEqualTo(1);
		assertThat(cacheGets("hit")).isZero();
	}

	@Test
	void anActiveAnswerTheRulesRefuseIsRefusedForItsClaim() {
		long now = Instant.now().getEpochSecond();
		this.answer.set(Response.json("{\"active\":true,\"sub\":\"" + SUBJECT + "\",\"iss\":\"" + this.as.url()
				+ "\",\"aud\":\"" + AUDIENCE + "\",\"iat\":" + (now - 900) + ",\"exp\":" + (now - 600) + "}"));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> authenticate("opaque-token-expired-5"));
		this.answer.set(Response.json("{\"active\":true,\"sub\":\"" + SUBJECT
				+ "\",\"iss\":\"https://evil.example\",\"aud\":\"" + AUDIENCE + "\",\"exp\":" + (now + 300) + "}"));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> authenticate("opaque-token-other-issuer-6"));
		assertThat(this.meters.count("mcp.oauth.server.introspections", "outcome", "refused")).isEqualTo(2);
		assertThat(this.meters.count("mcp.oauth.server.token.validations", "outcome", "refused", "reason", "expired",
				"method", "introspection"))
			.isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.token.validations", "outcome", "refused", "reason",
				"wrong_issuer", "method", "introspection"))
			.isEqualTo(1);
		this.meters.assertNoTagHolds("opaque-token-expired-5", "opaque-token-other-issuer-6", SUBJECT, SECRET);
	}

	@Test
	void anEndpointThatFailsLeavesTheTokenUnchecked() {
		this.answer.set(new Response(500, "{\"error\":\"opaque-token-failing-3\"}", Map.of()));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> authenticate("opaque-token-failing-3"));
		assertThat(this.meters.count("mcp.oauth.server.introspections", "outcome", "failure")).isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.token.validations", "outcome", "unchecked", "reason",
				"introspection_unavailable"))
			.isEqualTo(1);
		this.meters.assertNoTagHolds("opaque-token-failing-3", SECRET);
	}

	@Test
	void aTokenForAnotherResourceIsRefusedForItsAudienceAfterAnActiveAnswer() {
		long now = Instant.now().getEpochSecond();
		this.answer.set(Response.json("{\"active\":true,\"sub\":\"" + SUBJECT + "\",\"iss\":\"" + this.as.url()
				+ "\",\"aud\":\"https://other.example/mcp\",\"exp\":" + (now + 300) + "}"));
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> authenticate("opaque-token-other-4"));
		assertThat(this.meters.count("mcp.oauth.server.introspections", "outcome", "active")).isEqualTo(1);
		assertThat(this.meters.count("mcp.oauth.server.token.validations", "outcome", "refused", "reason",
				"wrong_audience", "method", "introspection"))
			.isEqualTo(1);
	}

}
