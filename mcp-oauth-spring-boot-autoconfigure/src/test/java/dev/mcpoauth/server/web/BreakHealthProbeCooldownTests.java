package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break attempt: the health probe fetches through the {@code KeySet} that sits under {@code CooldownJwkSetSource},
 * so neither Nimbus's cache nor the refresh cool-down ({@code mcp.oauth.server.jwks.refresh-cooldown}, 5 s) limits
 * it; only {@code mcp.oauth.health.probe-interval} does, and zero is accepted (the project's own web test uses it).
 * With it, every anonymous request to {@code /actuator/health/mcpOAuth} is one request to the identity provider.
 */
class BreakHealthProbeCooldownTests {

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private WebTestApplication.Running app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
		this.idp.close();
	}

	@Test
	void anonymousHealthRequestsCauseNoMoreJwkSetFetchesThanTheCooldownAllows() throws Exception {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		this.app = WebTestApplication.start(Stack.SERVLET, "mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks",
				"mcp.oauth.server.resource=https://mcp.example/mcp", "mcp.oauth.health.probe-interval=0s");
		HttpClient http = HttpClient.newHttpClient();
		long start = System.nanoTime();
		for (int i = 0; i < 50; i++) {
			http.send(HttpRequest.newBuilder(URI.create(this.app.url() + "/actuator/health/mcpOAuth")).GET().build(),
					HttpResponse.BodyHandlers.discarding());
		}
		long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
		assertThat(this.idp.requestsFor("/jwks")).as("JWK Set fetches for 50 health requests in " + seconds
				+ " s, refresh cool-down 5 s").isLessThanOrEqualTo(1 + seconds / 5 + 1);
	}

	/** Held: with Boot's default show-details, anonymous callers see the status only, not the IdP's URLs. */
	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.EnumSource(Stack.class)
	void anonymousCallersSeeNoUrlsOrErrors(Stack stack) throws Exception {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		this.app = WebTestApplication.start(stack, "mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks?tenant=internal-7",
				"mcp.oauth.server.resource=https://mcp.example/mcp");
		HttpClient http = HttpClient.newHttpClient();
		this.idp.close();
		for (String path : new String[] { "/actuator/health/mcpOAuth", "/actuator/health",
				"/actuator/health/mcpOAuth/mcpOAuthServer" }) {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create(this.app.url() + path)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.body()).as(path).doesNotContain("internal-7").doesNotContain("127.0.0.1")
				.doesNotContain("localhost").doesNotContain("Exception");
		}
	}

}
