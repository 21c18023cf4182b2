package dev.mcpoauth.metrics;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.token.AuthorizationServerStatus;
import dev.mcpoauth.client.token.ClientCredentialsTokenClient;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;
import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break attempt: the {@code uri} tag of {@code mcp.oauth.client.token.requests}. Spring Security's token response
 * clients call {@code RestClient.post().uri(String tokenUri)}, so the token endpoint string is the observation's URI
 * template and Spring's convention tags it (less scheme and host) as {@code uri}: path and query string of the token
 * endpoint, whatever they hold. A token endpoint whose URL carries a key (Azure Functions' {@code ?code=}, an API
 * gateway's {@code ?api_key=}) puts that key into every metrics backend; a token endpoint learned from the network
 * chooses the tag value (cardinality).
 */
class BreakClientTokenRequestTagTests {

	private static final String URL_KEY = "fnkey-3f1d9a7be2c04";

	private final StubHttpServer as = new StubHttpServer();

	private final Meters meters = new Meters();

	@AfterEach
	void stop() {
		this.as.close();
	}

	private ClientCredentialsTokenClient client(String tokenEndpoint) {
		Registration registration = new Registration();
		registration.setServerUrl(URI.create("http://127.0.0.1:1/mcp"));
		registration.setClientId("weather-client-id");
		registration.setClientSecret("client-secret-5be9");
		Duration timeout = Duration.ofSeconds(2);
		TokenEndpoints endpoints = new TokenEndpoints("weather", registration,
				new NimbusClientAssertionFactory(Map.of(), Clock.systemUTC()), null, timeout, timeout,
				new AuthorizationServerStatus(Clock.systemUTC()), this.meters.observations);
		return new ClientCredentialsTokenClient(endpoints,
				new TokenEndpointTarget(URI.create("http://127.0.0.1:1/mcp"), URI.create(this.as.url()),
						URI.create(tokenEndpoint), ClientAuthenticationMethod.CLIENT_SECRET_BASIC, List.of(), null));
	}

	@Test
	void aKeyInTheTokenEndpointsQueryStringNeverBecomesATagValue() {
		this.as.handle("/token", (request) -> Response.json(
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"mcp:tools\"}"));
		client(this.as.url() + "/token?code=" + URL_KEY).requestToken(Set.of("mcp:tools"), null);
		assertThat(this.as.requestsFor("/token")).isEqualTo(1);
		this.meters.assertNoTagHolds(URL_KEY);
	}

	@Test
	void tokenEndpointsLearnedFromTheNetworkDoNotEachMakeNewMeters() {
		this.as.handle("/token", (request) -> Response.json(
				"{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"mcp:tools\"}"));
		for (int i = 0; i < 20; i++) {
			client(this.as.url() + "/token?n=" + i).requestToken(Set.of("mcp:tools"), null);
		}
		java.util.Collection<Meter> timers = this.meters.registry.find("mcp.oauth.client.token.requests").meters();
		assertThat(timers).as("one timer per distinct token endpoint URL: "
				+ timers.stream().map((m) -> m.getId().getTag("uri")).toList()).hasSize(1);
	}

}
