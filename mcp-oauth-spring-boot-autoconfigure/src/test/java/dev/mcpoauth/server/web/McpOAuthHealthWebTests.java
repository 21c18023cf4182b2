package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.core.instrument.MeterRegistry;
import dev.mcpoauth.Eventually;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and metrics in a running application with Spring Boot Actuator, on either {@link Stack}, over real HTTP on loopback,
 * against a JWK Set served on loopback and then stopped: the {@code mcpOAuth} group reports the outage while the
 * overall status stays UP (a load balancer keeps the application), unless the application puts the contributors
 * in readiness or in the overall status; the validations of real requests reach the application's meters.
 */
class McpOAuthHealthWebTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final String RESOURCE = "https://mcp.example/mcp";

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private WebTestApplication.Running app;

	McpOAuthHealthWebTests() {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
	}

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
		this.idp.close();
	}

	private void start(Stack stack, String... more) {
		String[] properties = { "mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks", "mcp.oauth.server.resource=" + RESOURCE,
				"mcp.oauth.health.probe-interval=0s", "mcp.oauth.server.jwks.refresh-cooldown=100ms" };
		String[] all = new String[properties.length + more.length];
		System.arraycopy(properties, 0, all, 0, properties.length);
		System.arraycopy(more, 0, all, properties.length, more.length);
		this.app = WebTestApplication.start(stack, all);
	}

	/** A health check reports what its background refresh found on a later request: ask until it has. */
	private HttpResponse<String> eventually(String path, int status) {
		return Eventually.get(() -> {
			try {
				return get(path, null);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, (response) -> response.statusCode() == status);
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.app.url() + path)).GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void theGroupReportsTheOutageWhileTheOverallStatusStaysUp(Stack stack) throws Exception {
		start(stack);
		HttpResponse<String> up = Eventually.get(() -> eventually("/actuator/health/mcpOAuth", 200),
				(response) -> response.body().contains("\"status\":\"UP\""));
		assertThat(up.statusCode()).isEqualTo(200);
		assertThat(up.body()).contains("\"status\":\"UP\"");
		this.idp.close();
		HttpResponse<String> down = eventually("/actuator/health/mcpOAuth", 503);
		assertThat(down.statusCode()).isEqualTo(503);
		assertThat(down.body()).contains("\"status\":\"DOWN\"");
		HttpResponse<String> overall = get("/actuator/health", null);
		assertThat(overall.statusCode()).isEqualTo(200);
		assertThat(overall.body()).contains("\"status\":\"UP\"");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void readinessIncludesTheKeySourceWhenTheApplicationAddsIt(Stack stack) throws Exception {
		start(stack, "management.endpoint.health.probes.enabled=true",
				"management.endpoint.health.group.readiness.include=readinessState,mcpOAuthServer");
		assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		this.idp.close();
		assertThat(eventually("/actuator/health/readiness", 503).statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void theOverallStatusIncludesTheKeySourceWhenAskedTo() throws Exception {
		start(Stack.SERVLET, "mcp.oauth.health.include-in-default-group=true");
		assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
		this.idp.close();
		assertThat(eventually("/actuator/health", 503).statusCode()).isEqualTo(503);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void requestsOfTheMcpEndpointMoveTheApplicationsMeters(Stack stack) throws Exception {
		start(stack);
		String token = Jwts.sign(this.key, this.idp.url(), RESOURCE);
		assertThat(get("/mcp", token).statusCode()).isEqualTo(200);
		assertThat(get("/mcp", Jwts.sign(this.key, this.idp.url(), "https://other.example/mcp")).statusCode())
			.isEqualTo(401);
		MeterRegistry meters = this.app.context().getBean(MeterRegistry.class);
		assertThat(meters.get("mcp.oauth.server.token.validations")
			.tags("outcome", "accepted", "reason", "none", "method", "jwt")
			.timer()
			.count()).isEqualTo(1);
		assertThat(meters.get("mcp.oauth.server.token.validations")
			.tags("outcome", "refused", "reason", "wrong_audience")
			.timer()
			.count()).isEqualTo(1);
		assertThat(meters.get("mcp.oauth.server.jwks.fetches").tags("outcome", "success").timer().count())
			.isEqualTo(1);
		assertThat(meters.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
			.allSatisfy((tag) -> assertThat(tag.getValue()).doesNotContain(token).doesNotContain("eyJ")));
	}

}
