package dev.mcpoauth.health;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mcpoauth.Eventually;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.token.AuthorizationServerStatus;
import dev.mcpoauth.client.token.ClientCredentialsTokenClient;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Break attempt: the client health probe requests "the endpoint last asked", path and query string included, with
 * GET. That endpoint is whatever the registration's last request went to, a token endpoint learned from the
 * network included (a credential-less authorization-code registration follows the authorization server the MCP
 * server's metadata names). A hostile metadata document naming a token endpoint such as
 * {@code https://internal.corp/admin/purge?all=true} gets one POST from the flow (refused, 405); from then on every
 * health check of the group (anonymous by default, at most once per probe interval) sends that URL a GET, a method
 * the flow never uses. The health check should not turn a learned URL into a repeatable GET; it could probe the
 * origin only, or the issuer's metadata document, or report the last known state without requesting anything.
 */
class BreakAuthorizationServerProbeTests {

	private final StubHttpServer internal = new StubHttpServer();

	@AfterEach
	void stop() {
		this.internal.close();
	}

	@Test
	void aHealthCheckDoesNotSendAGetToTheLearnedPathAndQuery() {
		this.internal.handle("/admin/purge", (request) -> new Response("GET".equals(request.method()) ? 200 : 405,
				"", Map.of()));
		AuthorizationServerStatus status = new AuthorizationServerStatus(Clock.systemUTC());
		Registration registration = new Registration();
		registration.setServerUrl(URI.create("http://127.0.0.1:1/mcp"));
		registration.setClientId("c");
		registration.setClientSecret("s");
		Duration timeout = Duration.ofSeconds(2);
		TokenEndpoints endpoints = new TokenEndpoints("weather", registration,
				new NimbusClientAssertionFactory(Map.of(), Clock.systemUTC()), null, timeout, timeout, status,
				ObservationRegistry.NOOP);
		ClientCredentialsTokenClient client = new ClientCredentialsTokenClient(endpoints,
				new TokenEndpointTarget(URI.create("http://127.0.0.1:1/mcp"), URI.create(this.internal.url()),
						URI.create(this.internal.url() + "/admin/purge?all=true"),
						ClientAuthenticationMethod.CLIENT_SECRET_BASIC, List.of(), null));
		assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(() -> client.requestToken(Set.of("mcp:tools"), null));
		new AuthorizationServerHealthIndicator(status, Duration.ZERO).health();
		new AuthorizationServerHealthIndicator(status, Duration.ZERO).health();
		// the probe runs in the background: wait for it, so that a GET to the learned path would be seen
		Eventually.get(() -> this.internal.received().stream().filter((r) -> "GET".equals(r.method())).count(),
				(gets) -> gets >= 1);
		assertThat(this.internal.requestsTo("/admin/purge").stream()
			.filter((request) -> "GET".equals(request.method()))
			.map((request) -> request.path() + "?" + request.query())
			.toList()).as("GETs the health check sent to the learned token endpoint").isEmpty();
	}


	/**
	 * Held: the probe carries neither the client's credentials nor a proof, and follows no redirect. (Amended with
	 * the fix: the probe asks the origin, {@code /}, in the background, no longer the token endpoint's path.)
	 */
	@Test
	void theProbeCarriesNoCredentialsAndFollowsNoRedirect() {
		this.internal.handle("/token",
				(request) -> Response.json("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
		this.internal.handle("/", (request) -> new Response(302, "",
				Map.of("Location", this.internal.url() + "/elsewhere")));
		AuthorizationServerStatus status = new AuthorizationServerStatus(Clock.systemUTC());
		Registration registration = new Registration();
		registration.setServerUrl(URI.create("http://127.0.0.1:1/mcp"));
		registration.setClientId("client-id-77");
		registration.setClientSecret("secret-77");
		Duration timeout = Duration.ofSeconds(2);
		TokenEndpoints endpoints = new TokenEndpoints("weather", registration,
				new NimbusClientAssertionFactory(Map.of(), Clock.systemUTC()), null, timeout, timeout, status,
				ObservationRegistry.NOOP);
		new ClientCredentialsTokenClient(endpoints,
				new TokenEndpointTarget(URI.create("http://127.0.0.1:1/mcp"), URI.create(this.internal.url()),
						URI.create(this.internal.url() + "/token"), ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
						List.of(), null))
			.requestToken(Set.of("mcp:tools"), null);
		new AuthorizationServerHealthIndicator(status, Duration.ZERO).health();
		var gets = Eventually.get(() -> this.internal.requestsTo("/").stream()
			.filter((r) -> "GET".equals(r.method()))
			.toList(), (list) -> !list.isEmpty());
		assertThat(gets).hasSize(1);
		assertThat(gets.get(0).query()).isNullOrEmpty();
		assertThat(this.internal.requestsTo("/token").stream().filter((r) -> "GET".equals(r.method()))).isEmpty();
		assertThat(gets.get(0).header("Authorization")).isNull();
		assertThat(gets.get(0).header("DPoP")).isNull();
		assertThat(this.internal.requestsFor("/elsewhere")).isZero();
	}

}
