package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break attempt: the health probe runs the JWK Set fetch on the caller's thread, and on WebFlux Spring Boot runs a
 * blocking {@code HealthIndicator} on {@code Schedulers.boundedElastic()}, the same pool the MCP chain checks every
 * access token on. While the identity provider is slow (degraded, not down: the keys already fetched still validate
 * tokens), anonymous requests to {@code /actuator/health/mcpOAuth} occupy the pool's threads, each waiting on the
 * key set's monitor for the probe's fetch (up to the JWK Set connect plus read timeouts, 5 s by default; 10 s read timeout here so that the
 * measure holds on a loaded machine), and
 * every MCP request waits behind them. Before the change, a slow IdP did not delay requests whose keys were cached.
 * Control: {@code -Dbreak.healthRequests=0} (no health requests) passes; with 80 the MCP request waits for the probe
 * (measured 8014 ms against a 54 ms control request).
 */
class BreakHealthProbeStarvationTests {

	private static final String RESOURCE = "https://mcp.example/mcp";

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private WebTestApplication.Running app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
		this.idp.close();
	}

	private HttpRequest mcp(String token) {
		return HttpRequest.newBuilder(URI.create(this.app.url() + "/mcp"))
			.header("Authorization", "Bearer " + token)
			.GET()
			.build();
	}

	@Test
	void anonymousHealthRequestsDoNotDelayTokenChecksWhileTheIdentityProviderIsSlow() throws Exception {
		String jwks = Jwts.jwks(this.key.toPublicJWK());
		this.idp.handle("/jwks", (request) -> Response.json(jwks));
		this.app = WebTestApplication.start(Stack.REACTIVE, "mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks", "mcp.oauth.server.resource=" + RESOURCE,
				"mcp.oauth.health.probe-interval=1s", "mcp.oauth.server.jwks.read-timeout=10s");
		// keys fetched and cached (5 minutes): tokens validate without the IdP from now on
		assertThat(this.http.send(mcp(Jwts.sign(this.key, this.idp.url(), RESOURCE)),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		// the IdP becomes slow (each JWK Set answer takes 8 s, within a 10 s read timeout)
		this.idp.handle("/jwks", (request) -> Response.slow(Duration.ofSeconds(8), Response.json(jwks)));
		Thread.sleep(1200);
		long controlStart = System.nanoTime();
		assertThat(this.http.send(mcp(Jwts.sign(this.key, this.idp.url(), RESOURCE)),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		long control = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - controlStart);
		List<CompletableFuture<HttpResponse<String>>> health = new ArrayList<>();
		for (int i = 0; i < Integer.getInteger("break.healthRequests", 80); i++) {
			health.add(this.http.sendAsync(
					HttpRequest.newBuilder(URI.create(this.app.url() + "/actuator/health/mcpOAuth")).GET().build(),
					HttpResponse.BodyHandlers.ofString()));
		}
		Thread.sleep(500);
		long start = System.nanoTime();
		HttpResponse<String> response = this.http.send(mcp(Jwts.sign(this.key, this.idp.url(), RESOURCE)),
				HttpResponse.BodyHandlers.ofString());
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		CompletableFuture.allOf(health.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(millis).as("an MCP request with a valid token, keys cached, during the health requests (ms); the same request before them took " + control + " ms")
			.isLessThan(Math.max(4000, 3 * control));
	}

}
