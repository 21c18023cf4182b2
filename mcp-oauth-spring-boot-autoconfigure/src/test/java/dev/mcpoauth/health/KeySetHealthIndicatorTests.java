package dev.mcpoauth.health;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;

import dev.mcpoauth.Eventually;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.server.McpOAuthServerProperties;
import dev.mcpoauth.server.jwt.AccessTokenDecoders;
import dev.mcpoauth.server.jwt.KeySetSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key source's health against a JWK Set on loopback: UP while it answers, DOWN once it is stopped, at most one
 * request per probe interval however often health is asked, made in the background (a check never waits for a slow
 * JWK Set), UNKNOWN before a JWK Set found through discovery is known, UP for configured keys; details without the
 * URL's query string or user information and without exception messages.
 */
class KeySetHealthIndicatorTests {

	private final StubHttpServer idp = new StubHttpServer();

	private final KeySetSources keySets = new KeySetSources(ObservationRegistry.NOOP, Clock.systemUTC());

	KeySetHealthIndicatorTests() {
		this.idp.serve("/jwks", Jwts.jwks(Jwts.rsa().toPublicJWK()));
	}

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private void decoder(boolean discovered) {
		decoder(discovered ? null : URI.create(this.idp.url() + "/jwks"));
	}

	private void decoder(URI jwkSetUri) {
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(URI.create(this.idp.url()));
		properties.setJwkSetUri(jwkSetUri);
		AccessTokenDecoders.create(properties, (issuer) -> null, this.keySets);
	}

	private static Health eventually(KeySetHealthIndicator health, Status status) {
		return Eventually.get(health::health, (h) -> status.equals(h.getStatus()));
	}

	@Test
	void upWhileTheJwkSetAnswersAndDownOnceItIsStopped() {
		decoder(false);
		KeySetHealthIndicator health = new KeySetHealthIndicator(this.keySets, Duration.ZERO, false);
		Health up = eventually(health, Status.UP);
		assertThat(up.getDetails().toString()).contains(this.idp.url() + "/jwks").contains("keys=1");
		this.idp.close();
		Health down = eventually(health, Status.DOWN);
		assertThat(down.getDetails().toString()).contains("failed");
	}

	@Test
	void asksTheJwkSetAtMostOncePerProbeInterval() throws Exception {
		decoder(false);
		KeySetHealthIndicator health = new KeySetHealthIndicator(this.keySets, Duration.ofHours(1), false);
		eventually(health, Status.UP);
		for (int i = 0; i < 20; i++) {
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		}
		assertThat(this.idp.requestsFor("/jwks")).isEqualTo(1);
		KeySetHealthIndicator everyTime = new KeySetHealthIndicator(this.keySets, Duration.ZERO, false);
		everyTime.health();
		Eventually.get(() -> this.idp.requestsFor("/jwks"), (count) -> count == 2);
		Thread.sleep(50);
		everyTime.health();
		Eventually.get(() -> this.idp.requestsFor("/jwks"), (count) -> count == 3);
	}

	@Test
	void unknownBeforeADiscoveredJwkSetIsKnownAndUpForConfiguredKeys() {
		decoder(true);
		assertThat(new KeySetHealthIndicator(this.keySets, Duration.ZERO, false).health().getStatus())
			.isEqualTo(Status.UNKNOWN);
		assertThat(this.idp.requests()).isEmpty();
		assertThat(new KeySetHealthIndicator(this.keySets, Duration.ZERO, true).health().getStatus())
			.isEqualTo(Status.UP);
	}

	@Test
	void aCheckNeverWaitsForASlowJwkSetAndStartsOneFetchAtATime() {
		String jwks = Jwts.jwks(Jwts.rsa().toPublicJWK());
		this.idp.handle("/jwks", (request) -> StubHttpServer.Response.slow(Duration.ofSeconds(1),
				StubHttpServer.Response.json(jwks)));
		decoder(false);
		KeySetHealthIndicator health = new KeySetHealthIndicator(this.keySets, Duration.ZERO, false);
		long start = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
		eventually(health, Status.UP);
		assertThat(this.idp.requestsFor("/jwks")).isBetween(1L, 2L);
	}

	@Test
	void detailsShowNeitherTheQueryStringNorUserInformationNorExceptionMessages() {
		decoder(URI.create(this.idp.url().replace("://", "://user:pass-4a1@") + "/jwks?tenant=internal-7"));
		this.idp.close();
		Health down = eventually(new KeySetHealthIndicator(this.keySets, Duration.ZERO, false), Status.DOWN);
		String details = down.getDetails().toString();
		assertThat(details).contains(this.idp.url() + "/jwks")
			.doesNotContain("internal-7")
			.doesNotContain("pass-4a1")
			.doesNotContain("user@")
			.doesNotContain(": ");
		assertThat(this.keySets.keySets().get(0).lastFetch().failure()).matches("[A-Za-z]+");
	}

}
