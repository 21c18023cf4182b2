package dev.mcpoauth.health;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;

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
 * request per probe interval however often health is asked, UNKNOWN before a JWK Set found through discovery is
 * known, UP for configured keys.
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
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(URI.create(this.idp.url()));
		if (!discovered) {
			properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		}
		AccessTokenDecoders.create(properties, (issuer) -> null, this.keySets);
	}

	@Test
	void upWhileTheJwkSetAnswersAndDownOnceItIsStopped() {
		decoder(false);
		KeySetHealthIndicator health = new KeySetHealthIndicator(this.keySets, Duration.ZERO, false);
		Health up = health.health();
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails().toString()).contains(this.idp.url() + "/jwks").contains("keys=1");
		this.idp.close();
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails().toString()).contains("failed");
	}

	@Test
	void asksTheJwkSetAtMostOncePerProbeInterval() {
		decoder(false);
		KeySetHealthIndicator health = new KeySetHealthIndicator(this.keySets, Duration.ofHours(1), false);
		for (int i = 0; i < 20; i++) {
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		}
		assertThat(this.idp.requestsFor("/jwks")).isEqualTo(1);
		KeySetHealthIndicator everyTime = new KeySetHealthIndicator(this.keySets, Duration.ZERO, false);
		everyTime.health();
		everyTime.health();
		assertThat(this.idp.requestsFor("/jwks")).isEqualTo(3);
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

}
