package dev.mcpoauth.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import dev.mcpoauth.discovery.HttpsPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A hostile MCP server's challenge flows into the {@link McpOAuthClientException} the application sees and logs: its
 * {@code error} and {@code error_description} arrive printable (no C0 or C1 control, no format character such as
 * NEL or CSI) and bounded. (The fourth review's {@code AttackRefusalMessageTests}.)
 */
class RefusalMessageTests {

	private final StubHttpServer mcp = new StubHttpServer();

	@AfterEach
	void stop() {
		this.mcp.close();
	}

	private McpOAuthClientException refusal(String challenge) {
		this.mcp.handle("/mcp", (request) -> new Response(403, "", Map.of("WWW-Authenticate", challenge)));
		Registration registration = new Registration();
		registration.setServerUrl(java.net.URI.create(this.mcp.url() + "/mcp"));
		registration.setClientId("c");
		registration.setClientSecret("s");
		Function<TokenEndpointTarget, McpTokenClient> noTokens = (target) -> {
			throw new AssertionError("no token request expected");
		};
		McpAuthorization authorization = new McpAuthorization("s", registration,
				new McpServerDiscovery(new DefaultResourceRetriever(2000, 2000), new HttpsPolicy(true)), noTokens,
				() -> null, Duration.ofSeconds(30), Clock.systemUTC());
		HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(this.mcp.url())
			.endpoint("/mcp");
		new McpSdkTransportAuthorization(authorization, 2).applyTo(transport);
		try (McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(5)).build()) {
			Throwable[] caught = new Throwable[1];
			assertThatException().isThrownBy(client::initialize).satisfies((ex) -> caught[0] = ex);
			return ExceptionChain.find(caught[0], McpOAuthClientException.class);
		}
	}

	@Test
	void theErrorOfAHostileChallengeArrivesPrintableAndBounded() {
		String forged = "insufficient_scope\u0085INFO  forged log line\u009b2K" + "x".repeat(20_000);
		McpOAuthClientException ex = refusal("Bearer error=\"" + forged + "\"");
		assertThat(ex.getMessage().chars().noneMatch(Character::isISOControl))
			.as("no control character (NEL, CSI) from the hostile server in the message").isTrue();
		assertThat(ex.getMessage().length()).as("bounded message").isLessThan(1000);
	}

	@Test
	void theDescriptionArrivesWithoutC1ControlCharacters() {
		McpOAuthClientException ex = refusal(
				"Bearer error=\"insufficient_scope\", error_description=\"denied\u0085INFO forged line\u009b31m\"");
		assertThat(ex.getErrorDescription().chars().noneMatch(Character::isISOControl))
			.as("no control character in the description").isTrue();
	}

	@Test
	void aChallengeWithoutErrorIsReportedWithTheStatusMeaning() {
		McpOAuthClientException ex = refusal("Bearer realm=\"mcp\"");
		assertThat(ex.getError()).isEqualTo("insufficient_scope");
		assertThat(ex.getErrorDescription()).isEqualTo("The MCP server refused the access token");
		assertThat(ex.getHttpStatus()).isEqualTo(403);
	}

}
