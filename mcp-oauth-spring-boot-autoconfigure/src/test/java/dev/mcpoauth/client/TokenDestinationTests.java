package dev.mcpoauth.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.transport.McpOAuthClientHttpRequestInterceptor;
import dev.mcpoauth.client.transport.McpOAuthExchangeFilterFunction;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Where a registration's token goes, through each transport, on loopback. The registration holds a token for
 * {@code <server>/mcp}; requests under it carry the token, and any other request (another port, a sibling path, a
 * dot segment or an encoded slash that climbs out) goes out untouched: no {@code Authorization} header, and a 401
 * challenge from there starts no discovery and no token request.
 */
class TokenDestinationTests {

	private static final String CHALLENGE = "WWW-Authenticate";

	private final StubAuthorizationServer server = new StubAuthorizationServer();

	/** Another origin that answers every call with a challenge pointing at its own metadata. */
	private final StubHttpServer hostile = new StubHttpServer();

	TokenDestinationTests() {
		Function<Request, Response> challenge = (request) -> new Response(401, "",
				Map.of(CHALLENGE, "Bearer resource_metadata=\"" + this.hostile.url() + "/prm\", scope=\"admin\""));
		this.hostile.handle("/mcp", challenge);
		this.hostile.serve("/prm", "{\"resource\":\"" + this.server.mcp() + "\",\"authorization_servers\":[\""
				+ this.hostile.url() + "\"]}");
		this.server.http.handle("/mcp", (request) -> Response.json("{}"));
		this.server.http.handle("/other", challenge);
	}

	@AfterEach
	void stop() {
		this.server.close();
		this.hostile.close();
	}

	/** Under server-url, then outside it: same origin with other paths, other spellings of the origin. */
	private List<String> covered() {
		return List.of(this.server.mcp(), this.server.mcp() + "/sub", this.server.issuer() + "/m%63p");
	}

	private List<String> notCovered() {
		String base = this.server.issuer();
		return List.of(this.hostile.url() + "/mcp", base + "/other", base + "/mcpx", base + "/mcp/../other",
				base + "/mcp/%2e%2e/other", base + "/mcp%2Fx", base.replace("localhost", "127.0.0.1") + "/mcp");
	}

	private void withAuthorization(Consumer<McpAuthorization> test) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.s.server-url=" + this.server.mcp(),
					"mcp.oauth.client.registrations.s.client-id=client-1",
					"mcp.oauth.client.registrations.s.client-secret=s3cret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
				authorization.accessToken();
				test.accept(authorization);
			});
	}

	/**
	 * Calls each URL outside server-url, then checks that neither origin saw the token and that the foreign
	 * challenges started nothing; then calls the URLs under it, which carry the token.
	 */
	private void assertTokenOnlyUnderServerUrl(Consumer<String> call) {
		for (String url : notCovered()) {
			call.accept(url);
		}
		assertThat(this.hostile.requests()).as("one request, no replay, no discovery").containsExactly("/mcp");
		assertThat(this.hostile.requestsTo("/mcp").get(0).header("Authorization")).as("token to another origin")
			.isNull();
		assertThat(calls()).as("every call reached the MCP server's origin")
			.hasSizeGreaterThanOrEqualTo(notCovered().size() - 1)
			.allSatisfy((request) -> assertThat(request.header("Authorization")).as("token to " + request.path())
				.isNull());
		assertThat(this.server.tokenRequests()).as("no token request after a foreign challenge").hasSize(1);
		assertThat(this.server.http.requests()).filteredOn((path) -> path.startsWith("/.well-known/"))
			.as("no discovery after a foreign challenge")
			.hasSize(2);
		int before = calls().size();
		for (String url : covered()) {
			call.accept(url);
		}
		assertThat(calls().subList(before, calls().size())).as("the token goes under server-url")
			.hasSizeGreaterThanOrEqualTo(covered().size())
			.allSatisfy((request) -> assertThat(request.header("Authorization")).startsWith("Bearer at-"));
	}

	/** The requests to the MCP server's origin other than discovery and token requests, in order. */
	private List<Request> calls() {
		return this.server.http.received()
			.stream()
			.filter((request) -> !request.path().startsWith("/.well-known/") && !request.path().equals("/token"))
			.toList();
	}

	@Test
	void restClientSendsTheTokenOnlyUnderServerUrl() {
		withAuthorization((authorization) -> {
			RestClient rest = RestClient.builder()
				.requestFactory(new JdkClientHttpRequestFactory())
				.requestInterceptor(new McpOAuthClientHttpRequestInterceptor(authorization, 2))
				.build();
			assertTokenOnlyUnderServerUrl((url) -> rest.get()
				.uri(URI.create(url))
				.exchange((request, response) -> response.getStatusCode().value()));
		});
	}

	@Test
	void webClientSendsTheTokenOnlyUnderServerUrl() {
		withAuthorization((authorization) -> {
			WebClient web = WebClient.builder()
				.clientConnector(new JdkClientHttpConnector())
				.filter(new McpOAuthExchangeFilterFunction(authorization, 2))
				.build();
			assertTokenOnlyUnderServerUrl((url) -> web.get()
				.uri(URI.create(url))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
				.block());
		});
	}

	@Test
	void mcpSdkTransportSendsTheTokenOnlyUnderServerUrl() {
		withAuthorization((authorization) -> {
			McpSdkTransportAuthorization sdk = new McpSdkTransportAuthorization(authorization, 2);
			assertTokenOnlyUnderServerUrl((url) -> {
				URI uri = URI.create(url);
				HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
					.builder(uri.getScheme() + "://" + uri.getRawAuthority())
					.endpoint(uri.getRawPath());
				try (McpSyncClient client = McpClient.sync(sdk.applyTo(transport).build())
					.requestTimeout(Duration.ofSeconds(2))
					.build()) {
					// None of these answers an MCP initialize; only what was sent where matters.
					assertThatException().isThrownBy(client::initialize);
				}
			});
		});
	}

}
