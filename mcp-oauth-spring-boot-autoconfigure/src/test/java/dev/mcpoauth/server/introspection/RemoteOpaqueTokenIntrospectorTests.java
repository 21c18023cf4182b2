package dev.mcpoauth.server.introspection;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.DribblingServer;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.TestClock;
import dev.mcpoauth.client.token.AssertionSigningKey;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import dev.mcpoauth.discovery.HttpsPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link RemoteOpaqueTokenIntrospector} against real loopback servers: no call outlasts the timeout, discovery
 * included; the endpoint is discovered once, on first use, in the background, retried only after the retry
 * interval, and refused when the metadata names another issuer or a plain-http endpoint; private_key_jwt sends a
 * fresh assertion for the issuer with every request; neither the token nor a secret reaches the HTTP client's DEBUG
 * log.
 */
@ExtendWith(OutputCaptureExtension.class)
class RemoteOpaqueTokenIntrospectorTests {

	/** The timeout of the tests about time. */
	private static final Duration TIMEOUT = Duration.ofMillis(800);

	/** The timeout of the others: generous, so that a loaded machine does not fail them. */
	private static final Duration GENEROUS = Duration.ofSeconds(5);

	private final StubHttpServer as = new StubHttpServer();

	private final TestClock clock = new TestClock();

	private final IntrospectedTokenRules rules = new IntrospectedTokenRules(List.of(URI.create(this.as.url())),
			Duration.ofSeconds(60), Clock.systemUTC());

	private final IntrospectionClientAuthentication basic = IntrospectionClientAuthentication
		.clientSecretBasic("mcp-server", "secret");

	RemoteOpaqueTokenIntrospectorTests() {
		this.as.handle("/introspect", (request) -> Response.json(activeAnswer()));
	}

	@AfterEach
	void stop() {
		this.as.close();
	}

	private String activeAnswer() {
		long now = Instant.now().getEpochSecond();
		return "{\"active\":true,\"sub\":\"user\",\"iss\":\"" + this.as.url() + "\",\"aud\":\"https://mcp.example/mcp\","
				+ "\"scope\":\"mcp:tools\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}";
	}

	private String metadata(String issuer, String endpoint) {
		return "{\"issuer\":\"" + issuer + "\",\"introspection_endpoint\":\"" + endpoint + "\"}";
	}

	private RemoteOpaqueTokenIntrospector discovering(Duration retryInterval) {
		return discovering(retryInterval, GENEROUS);
	}

	private RemoteOpaqueTokenIntrospector discovering(Duration retryInterval, Duration timeout) {
		IntrospectionEndpoint endpoint = IntrospectionEndpoint.discovered(URI.create(this.as.url()),
				new AuthorizationServerMetadataDiscovery(
						new BoundedResourceRetriever(Duration.ofSeconds(1), Duration.ofSeconds(5), 64 * 1024)),
				new HttpsPolicy(false), retryInterval, this.clock);
		return new RemoteOpaqueTokenIntrospector(endpoint, this.basic, this.rules, Duration.ofMillis(500), timeout);
	}

	private long metadataRequests() {
		return this.as.requests().stream().filter((path) -> path.startsWith("/.well-known/")).count();
	}

	@Test
	void neitherTheTokenNorTheSecretReachesADebugLogOfTheHttpClient(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		String token = "opaque-" + UUID.randomUUID();
		RemoteOpaqueTokenIntrospector introspector = new RemoteOpaqueTokenIntrospector(
				IntrospectionEndpoint.of(URI.create(this.as.url() + "/introspect")),
				IntrospectionClientAuthentication.clientSecretPost("mcp-server", "s3cr3t-value"), this.rules,
				Duration.ofMillis(500), GENEROUS);
		logging.setLogLevel("org.springframework.web.client", LogLevel.DEBUG);
		try {
			assertThat(introspector.introspect(token).getName()).isEqualTo("user");
		}
		finally {
			logging.setLogLevel("org.springframework.web.client", null);
		}
		assertThat(this.as.requestsTo("/introspect").get(0).form()).as("the real form was sent")
			.containsEntry("token", token)
			.containsEntry("client_secret", "s3cr3t-value");
		assertThat(output).as("the request body was logged").contains("Writing [{token=[(hidden)]}]")
			.doesNotContain(token)
			.doesNotContain("s3cr3t-value");
	}

	@Test
	void anAnswerThatDribblesInIsCutOffAtTheTimeout() {
		try (DribblingServer dribbler = new DribblingServer(Duration.ofMillis(100), Duration.ofSeconds(10))) {
			RemoteOpaqueTokenIntrospector introspector = new RemoteOpaqueTokenIntrospector(
					IntrospectionEndpoint.of(URI.create(dribbler.url() + "/introspect")), this.basic, this.rules,
					Duration.ofMillis(500), TIMEOUT);
			long start = System.nanoTime();
			assertThatExceptionOfType(OAuth2IntrospectionException.class)
				.isThrownBy(() -> introspector.introspect("token"))
				.withMessageContaining("No answer from the introspection endpoint");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusMillis(1500));
			assertThat(dribbler.connections).hasValue(1);
		}
	}

	@Test
	void theEndpointIsDiscoveredOnceOnFirstUseNeverBefore() {
		this.as.serve("/.well-known/oauth-authorization-server", metadata(this.as.url(), this.as.url() + "/introspect"));
		RemoteOpaqueTokenIntrospector introspector = discovering(Duration.ofSeconds(30));
		assertThat(this.as.requests()).isEmpty();
		for (int i = 0; i < 3; i++) {
			assertThat(introspector.introspect("token-" + i).getName()).isEqualTo("user");
		}
		assertThat(metadataRequests()).isOne();
		assertThat(this.as.requestsFor("/introspect")).isEqualTo(3);
	}

	@Test
	void aSlowDiscoveryHoldsNoCallerLongerThanTheTimeoutAndGoesOnInTheBackground() throws Exception {
		this.as.handle("/.well-known/oauth-authorization-server", (request) -> Response.slow(Duration.ofMillis(1500),
				Response.json(metadata(this.as.url(), this.as.url() + "/introspect"))));
		RemoteOpaqueTokenIntrospector introspector = discovering(Duration.ofSeconds(30), TIMEOUT);
		long start = System.nanoTime();
		assertThatExceptionOfType(OAuth2IntrospectionException.class).isThrownBy(() -> introspector.introspect("a"))
			.withMessageContaining("is not known yet");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusMillis(1500));
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(introspector.introspect("b").getName()).isEqualTo("user"));
		assertThat(metadataRequests()).as("one discovery, finished in the background").isOne();
	}

	@Test
	void aFailedDiscoveryIsTriedAgainOnlyAfterTheRetryInterval() {
		RemoteOpaqueTokenIntrospector introspector = discovering(Duration.ofSeconds(30));
		assertThatExceptionOfType(OAuth2IntrospectionException.class).isThrownBy(() -> introspector.introspect("a"))
			.withMessageContaining("No authorization server metadata found");
		long attempts = metadataRequests();
		this.as.serve("/.well-known/oauth-authorization-server", metadata(this.as.url(), this.as.url() + "/introspect"));
		assertThatExceptionOfType(OAuth2IntrospectionException.class).isThrownBy(() -> introspector.introspect("b"))
			.withMessageContaining("failed recently");
		assertThat(metadataRequests()).as("no request within the retry interval").isEqualTo(attempts);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(introspector.introspect("c").getName()).isEqualTo("user");
	}

	@Test
	void metadataOfAnotherIssuerIsRefused() {
		this.as.serve("/.well-known/oauth-authorization-server",
				metadata("https://evil.example", this.as.url() + "/introspect"));
		assertThatExceptionOfType(OAuth2IntrospectionException.class)
			.isThrownBy(() -> discovering(Duration.ofSeconds(30)).introspect("a"))
			.withMessageContaining("issuer mix-up");
		assertThat(this.as.requestsFor("/introspect")).isZero();
	}

	@Test
	void aDiscoveredPlainHttpEndpointOffLoopbackIsRefused() {
		this.as.serve("/.well-known/oauth-authorization-server",
				metadata(this.as.url(), "http://introspection.example/introspect"));
		assertThatExceptionOfType(OAuth2IntrospectionException.class)
			.isThrownBy(() -> discovering(Duration.ofSeconds(30)).introspect("a"))
			.withMessageContaining("must use https");
	}

	@Test
	void privateKeyJwtSendsAFreshAssertionForTheIssuerWithEveryRequest() throws Exception {
		ECKey key = Jwts.ec();
		AssertionSigningKey signingKey = AssertionSigningKey
			.load(new ByteArrayResource(key.toJSONString().getBytes(StandardCharsets.UTF_8)), null, null);
		URI issuer = URI.create(this.as.url());
		IntrospectionClientAuthentication privateKeyJwt = IntrospectionClientAuthentication.privateKeyJwt("mcp-server",
				issuer, new NimbusClientAssertionFactory(
						Map.of(IntrospectionClientAuthentication.ASSERTION_REGISTRATION, signingKey), Clock.systemUTC()),
				Duration.ofSeconds(60));
		RemoteOpaqueTokenIntrospector introspector = new RemoteOpaqueTokenIntrospector(
				IntrospectionEndpoint.of(URI.create(this.as.url() + "/introspect")), privateKeyJwt, this.rules,
				Duration.ofMillis(500), GENEROUS);
		introspector.introspect("token-1");
		introspector.introspect("token-2");
		List<Request> requests = this.as.requestsTo("/introspect");
		assertThat(requests).hasSize(2);
		String firstJti = null;
		for (Request request : requests) {
			assertThat(request.header("Authorization")).isNull();
			Map<String, String> form = request.form();
			assertThat(form).containsEntry("client_id", "mcp-server")
				.containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
				.doesNotContainKey("client_secret");
			SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
			assertThat(assertion.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
			JWTClaimsSet claims = assertion.getJWTClaimsSet();
			assertThat(claims.getIssuer()).isEqualTo("mcp-server");
			assertThat(claims.getSubject()).isEqualTo("mcp-server");
			assertThat(claims.getAudience()).containsExactly(issuer.toString());
			assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
			assertThat(claims.getJWTID()).isNotEqualTo(firstJti);
			firstJti = claims.getJWTID();
		}
	}

}
