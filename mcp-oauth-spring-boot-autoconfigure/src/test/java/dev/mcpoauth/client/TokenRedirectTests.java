package dev.mcpoauth.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MCP server (hostile, or any handler under {@code server-url} with an open redirect) answers the authorized
 * request with {@code 307} to another origin or to a path outside {@code server-url}. An HTTP client that follows
 * redirects re-sends the request's headers, the token included, to wherever {@code Location} points; the MCP SDK
 * transport, even when built on such a client, is made to follow none. (The reviewer's
 * {@code AttackClientRedirectTests}; for {@code RestClient} and {@code WebClient}, which the interceptor cannot
 * reconfigure, README asks for an HTTP client that does not follow redirects.)
 */
class TokenRedirectTests {

	private final StubAuthorizationServer server = new StubAuthorizationServer();

	/** Another origin that collects whatever reaches it. */
	private final StubHttpServer elsewhere = new StubHttpServer();

	@AfterEach
	void stop() {
		this.server.close();
		this.elsewhere.close();
	}

	/** {@code /mcp} challenges a request without a token and redirects one with a token to {@code target}. */
	private void redirectAuthorizedRequestsTo(String target) {
		this.server.http.handle("/mcp", (request) -> (request.header("Authorization") == null)
				? new Response(401, "", Map.of("WWW-Authenticate", "Bearer"))
				: new Response(307, "", Map.of("Location", target)));
		this.server.http.handle("/other", (request) -> Response.json("{}"));
		this.elsewhere.handle("/collect", (request) -> Response.json("{}"));
	}

	private String target(String where) {
		return "other-origin".equals(where) ? this.elsewhere.url() + "/collect" : this.server.issuer() + "/other";
	}

	private List<Request> received(String where) {
		return "other-origin".equals(where) ? this.elsewhere.requestsTo("/collect")
				: this.server.http.requestsTo("/other");
	}

	private void withAuthorization(Consumer<McpAuthorization> test) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.s.server-url=" + this.server.mcp(),
					"mcp.oauth.client.registrations.s.client-id=client-1",
					"mcp.oauth.client.registrations.s.client-secret=s3cret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
			});
	}

	private void assertNoTokenReached(String where) {
		assertThat(this.server.tokenRequests()).as("the client got a token for server-url").hasSize(1);
		assertThat(this.server.http.requestsTo("/mcp")).as("the request with the token was sent, and redirected")
			.anyMatch((request) -> request.header("Authorization") != null);
		assertThat(received(where)).as("the redirect target (%s) got no token", where)
			.allSatisfy((request) -> assertThat(request.header("Authorization")).isNull());
	}



	@ParameterizedTest
	@ValueSource(strings = { "other-origin", "sibling-path" })
	void mcpSdkTransportDoesNotCarryTheTokenAcrossARedirect(String where) {
		redirectAuthorizedRequestsTo(target(where));
		withAuthorization((authorization) -> {
			HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
				.builder(this.server.issuer())
				.endpoint("/mcp")
				.clientBuilder(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL));
			McpSdkTransportAuthorization sdk = new McpSdkTransportAuthorization(authorization, 2);
			try (McpSyncClient client = McpClient.sync(sdk.applyTo(transport).build())
				.requestTimeout(Duration.ofSeconds(5))
				.build()) {
				try {
					client.initialize();
				}
				catch (RuntimeException ex) {
					// the redirect target does not speak MCP; only where the token went matters
				}
			}
		});
		assertNoTokenReached(where);
	}

}
