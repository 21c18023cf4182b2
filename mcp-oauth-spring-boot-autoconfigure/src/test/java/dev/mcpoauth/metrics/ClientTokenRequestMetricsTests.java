package dev.mcpoauth.metrics;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.token.AuthorizationServerStatus;
import dev.mcpoauth.client.token.ClientCredentialsTokenClient;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A client registration's token requests as meters, against a token endpoint on loopback: one the authorization
 * server answers with a token, one it refuses, one it cannot answer; tagged with the registration and Spring's HTTP
 * client keys, never with the token, the client's secret or its identifier.
 */
class ClientTokenRequestMetricsTests {

	private static final String REQUESTS = "mcp.oauth.client.token.requests";

	private static final String SECRET = "client-secret-5be9";

	private static final String ACCESS_TOKEN = "issued-access-token-0c77";

	private final StubHttpServer as = new StubHttpServer();

	private final AtomicReference<Response> answer = new AtomicReference<>(Response.json("{\"access_token\":\""
			+ ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"mcp:tools\"}"));

	private final Meters meters = new Meters();

	private final AuthorizationServerStatus status = new AuthorizationServerStatus(Clock.systemUTC());

	private final ClientCredentialsTokenClient client;

	ClientTokenRequestMetricsTests() {
		this.as.handle("/token", (request) -> this.answer.get());
		Registration registration = new Registration();
		registration.setServerUrl(URI.create("http://127.0.0.1:1/mcp"));
		registration.setClientId("weather-client-id");
		registration.setClientSecret(SECRET);
		Duration timeout = Duration.ofSeconds(2);
		TokenEndpoints endpoints = new TokenEndpoints("weather", registration,
				new NimbusClientAssertionFactory(Map.of(), Clock.systemUTC()), null, timeout, timeout, this.status,
				this.meters.observations);
		this.client = new ClientCredentialsTokenClient(endpoints,
				new TokenEndpointTarget(URI.create("http://127.0.0.1:1/mcp"), URI.create(this.as.url()),
						URI.create(this.as.url() + "/token"), ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
						List.of(), null));
	}

	@AfterEach
	void stop() {
		this.as.close();
	}

	@Test
	void aTokenTheAuthorizationServerIssuesIsASuccessOfTheRegistration() {
		assertThat(this.client.requestToken(Set.of("mcp:tools"), null).getAccessToken().getTokenValue())
			.isEqualTo(ACCESS_TOKEN);
		assertThat(this.meters.count(REQUESTS, "registration", "weather", "endpoint", "token", "outcome", "SUCCESS",
				"status", "200", "method", "POST"))
			.isEqualTo(1);
		assertThat(this.status.lastExchange().reached()).isTrue();
		this.meters.assertNoTagHolds(ACCESS_TOKEN, SECRET, "weather-client-id", "mcp:tools");
	}

	@Test
	void aRefusalIsAClientErrorOfTheRegistration() {
		this.answer.set(new Response(401, "{\"error\":\"invalid_client\"}", Map.of()));
		assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(() -> this.client.requestToken(Set.of("mcp:tools"), null));
		assertThat(this.meters.count(REQUESTS, "registration", "weather", "outcome", "CLIENT_ERROR", "status", "401"))
			.isEqualTo(1);
		assertThat(this.meters.count(REQUESTS, "outcome", "SUCCESS")).isZero();
		this.meters.assertNoTagHolds(SECRET, "weather-client-id");
	}

	@Test
	void anAuthorizationServerThatIsDownIsAnUnknownOutcomeWithItsException() {
		this.as.close();
		assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(() -> this.client.requestToken(Set.of("mcp:tools"), null));
		assertThat(this.meters.count(REQUESTS, "registration", "weather", "outcome", "UNKNOWN")).isEqualTo(1);
		assertThat(this.status.lastExchange().reached()).isFalse();
		this.meters.assertNoTagHolds(SECRET, "weather-client-id");
	}

}
