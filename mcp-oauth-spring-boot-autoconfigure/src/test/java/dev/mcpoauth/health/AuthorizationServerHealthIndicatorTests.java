package dev.mcpoauth.health;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;

import dev.mcpoauth.Eventually;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.token.AuthorizationServerStatus;
import dev.mcpoauth.client.token.ClientCredentialsTokenClient;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client registration's authorization server health against a token endpoint on loopback: UNKNOWN before the
 * first request, UP after an answer, DOWN once the server is stopped, DOWN on a server error; at most one request
 * of its own per probe interval, to the origin only, in the background, none of them carrying the client's
 * credentials; a check never waits for a slow authorization server.
 */
class AuthorizationServerHealthIndicatorTests {

	private static final String SECRET = "health-client-secret-3a9";

	private final StubHttpServer as = new StubHttpServer();

	private final AuthorizationServerStatus status = new AuthorizationServerStatus(Clock.systemUTC());

	private final ClientCredentialsTokenClient client;

	AuthorizationServerHealthIndicatorTests() {
		this.as.handle("/token", (request) -> Response.json(
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
		Registration registration = new Registration();
		registration.setServerUrl(URI.create("http://127.0.0.1:1/mcp"));
		registration.setClientId("client-1");
		registration.setClientSecret(SECRET);
		Duration timeout = Duration.ofSeconds(2);
		this.client = new ClientCredentialsTokenClient(
				new TokenEndpoints("weather", registration,
						new NimbusClientAssertionFactory(Map.of(), Clock.systemUTC()), null, timeout, timeout, this.status,
						ObservationRegistry.NOOP),
				new TokenEndpointTarget(URI.create("http://127.0.0.1:1/mcp"), URI.create(this.as.url()),
						URI.create(this.as.url() + "/token"), ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
						List.of(), null));
	}

	@AfterEach
	void stop() {
		this.as.close();
	}

	@Test
	void unknownBeforeTheFirstRequestThenUpThenDownOnceStopped() {
		AuthorizationServerHealthIndicator health = new AuthorizationServerHealthIndicator(this.status, Duration.ZERO);
		assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(this.as.requests()).isEmpty();
		this.client.requestToken(Set.of(), null);
		Health up = health.health();
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("authorizationServer", this.as.url());
		this.as.close();
		assertThat(Eventually.get(() -> health.health().getStatus(), Status.DOWN::equals)).isEqualTo(Status.DOWN);
	}

	@Test
	void theHealthChecksOwnRequestsAreAtMostOnePerIntervalAndCarryNoCredentials() {
		this.client.requestToken(Set.of(), null);
		new AuthorizationServerHealthIndicator(this.status, Duration.ofHours(1)).health();
		assertThat(this.as.requestsFor("/token")).isEqualTo(1);
		AuthorizationServerHealthIndicator everyTime = new AuthorizationServerHealthIndicator(this.status,
				Duration.ZERO);
		assertThat(everyTime.health().getStatus()).isEqualTo(Status.UP);
		Eventually.get(() -> this.as.requestsFor("/"), (count) -> count == 1);
		assertThat(this.as.requestsFor("/token")).isEqualTo(1);
		StubHttpServer.Request probe = this.as.requestsTo("/").get(0);
		assertThat(probe.method()).isEqualTo("GET");
		assertThat(probe.query()).isNullOrEmpty();
		assertThat(probe.header("Authorization")).isNull();
		assertThat(probe.body()).isEmpty();
	}

	@Test
	void downWhenTheAuthorizationServerAnswersWithAServerError() {
		this.as.handle("/token", (request) -> new Response(503, "", Map.of()));
		AuthorizationServerHealthIndicator health = new AuthorizationServerHealthIndicator(this.status, Duration.ZERO);
		try {
			this.client.requestToken(Set.of(), null);
		}
		catch (RuntimeException expected) {
			// the refusal is what the test needs
		}
		assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void aCheckNeverWaitsForASlowAuthorizationServerAndStartsOneRequestAtATime() {
		this.client.requestToken(Set.of(), null);
		this.as.handle("/", (request) -> Response.slow(Duration.ofSeconds(1), new Response(200, "", Map.of())));
		AuthorizationServerHealthIndicator health = new AuthorizationServerHealthIndicator(this.status, Duration.ZERO);
		long start = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
		Eventually.get(() -> this.as.requestsFor("/"), (count) -> count >= 1);
		assertThat(this.as.requestsFor("/")).isEqualTo(1);
	}

}
