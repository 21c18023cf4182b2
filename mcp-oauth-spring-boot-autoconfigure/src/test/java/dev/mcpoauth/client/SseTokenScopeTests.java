package dev.mcpoauth.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import dev.mcpoauth.discovery.HttpsPolicy;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The SSE transport of the MCP Java SDK with {@link McpSdkTransportAuthorization#forSse}, a raw SSE MCP server and
 * an authorization server on loopback. The registration is {@code <origin>/tenant-a/sse}; a second app,
 * {@code /tenant-b/...}, lives on the same origin (a path-routed MCP gateway). A stream opened outside the
 * {@code server-url}, however the connection was configured (Spring AI's connection-details bean and a replaced
 * customizer both skip the start-up check), gets no token; the stream under it does, and so do its messages to the
 * endpoint its server announces on the same origin, as README says. (The fifth review's {@code AttackSseScopeTests}.)
 */
class SseTokenScopeTests {

	private static final String S = "mcp.oauth.client.registrations.s.";

	private final StubAuthorizationServer as = new StubAuthorizationServer();

	private final SseServer mcp = new SseServer();

	@AfterEach
	void stop() {
		this.mcp.close();
		this.as.close();
	}

	@Test
	void aStreamOpenedOutsideTheServerUrlGetsNoToken() {
		connectAndSend("/tenant-b/sse");
		assertThat(this.mcp.authorizationsTo("/tenant-b/sse")).isNotEmpty()
			.as("tenant-a's token on the SSE stream of another app (outside server-url)")
			.allMatch((authorization) -> authorization == null);
	}

	@Test
	void theStreamUnderTheServerUrlAndItsAnnouncedMessagesGetTheToken() {
		connectAndSend("/tenant-a/sse");
		assertThat(this.mcp.authorizationsTo("/tenant-a/sse")).isNotEmpty()
			.allMatch((authorization) -> authorization != null && authorization.startsWith("Bearer "));
		assertThat(this.mcp.authorizationsTo("/tenant-b/message")).as("the endpoint the server announced")
			.isNotEmpty()
			.allMatch((authorization) -> authorization != null && authorization.startsWith("Bearer "));
	}

	@Test
	void anAuthorizationForTheStreamableTransportIsRefusedOnTheSseTransport() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(S + "server-url=" + this.mcp.url() + "/tenant-a/sse", S + "client-id=c",
					S + "client-secret=top-secret")
			.run((context) -> assertThatIllegalStateException()
				.isThrownBy(() -> new McpSdkTransportAuthorization(
						context.getBean(McpOAuthClients.class).authorization("s"), 2)
					.applyTo(HttpClientSseClientTransport.builder(this.mcp.url())))
				.withMessageContaining("forSse"));
	}

	/**
	 * Below the SDK the HTTP client's thread does not know whose request was refused (with an inheritable security
	 * context it may see another user): a per-user (cross-app access) registration never replays there.
	 */
	@Test
	void aRefusedStreamOfAPerUserRegistrationIsNotReplayedForWhoeverTheHttpThreadSees() {
		Registration registration = new Registration();
		registration.setServerUrl(URI.create(this.mcp.url() + "/tenant-a/sse"));
		registration.setFlow(Flow.CROSS_APP_ACCESS);
		registration.setClientId("c");
		registration.setClientSecret("s");
		registration.setTokenUri(URI.create(this.as.issuer() + "/token"));
		AtomicInteger tokenRequests = new AtomicInteger();
		McpTokenClient tokens = (scopes, subjectToken) -> OAuth2AccessTokenResponse
			.withToken("at-" + tokenRequests.incrementAndGet() + "-" + subjectToken)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(300)
			.build();
		McpAuthorization authorization = new McpAuthorization("xaa", registration,
				new McpServerDiscovery(new BoundedResourceRetriever(Duration.ofSeconds(1), Duration.ofSeconds(1), 1024),
						new HttpsPolicy(true)),
				(target) -> tokens, () -> Jwts.sign(Jwts.rsa(), "https://idp.example", "c"), Duration.ofSeconds(30),
				Clock.systemUTC());
		this.mcp.refuseStreams = true;
		HttpClientSseClientTransport.Builder builder = HttpClientSseClientTransport.builder(this.mcp.url())
			.sseEndpoint("/tenant-a/sse");
		McpSdkTransportAuthorization.forSse(authorization, 2).applyTo(builder);
		McpClientTransport transport = builder.build();
		try {
			transport.connect((message) -> message.then(Mono.empty())).block(Duration.ofSeconds(5));
		}
		catch (RuntimeException ex) {
			// refused, as expected
		}
		finally {
			transport.closeGracefully().block(Duration.ofSeconds(5));
		}
		assertThat(this.mcp.authorizationsTo("/tenant-a/sse")).as("the stream, refused, is not replayed").hasSize(1);
		assertThat(tokenRequests).as("no token requested on the HTTP client's thread").hasValue(1);
	}

	private void connectAndSend(String sseEndpoint) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(S + "server-url=" + this.mcp.url() + "/tenant-a/sse", S + "client-id=c",
					S + "client-secret=top-secret")
			.run((context) -> {
				HttpClientSseClientTransport.Builder builder = HttpClientSseClientTransport.builder(this.mcp.url())
					.sseEndpoint(sseEndpoint);
				McpSdkTransportAuthorization.forSse(context.getBean(McpOAuthClients.class).authorization("s"), 2)
					.applyTo(builder);
				McpClientTransport transport = builder.build();
				try {
					transport.connect((message) -> message.then(Mono.empty())).block(Duration.ofSeconds(5));
					transport.sendMessage(new McpSchema.JSONRPCRequest("2.0", "ping", "1", null))
						.block(Duration.ofSeconds(5));
				}
				catch (RuntimeException ex) {
					// what was sent is what counts
				}
				finally {
					transport.closeGracefully().block(Duration.ofSeconds(5));
				}
			});
	}

	/**
	 * A raw MCP SSE server on loopback: any {@code .../sse} path streams an {@code endpoint} event naming
	 * {@code /tenant-b/message}; Protected Resource Metadata for {@code /tenant-a/sse} names the stub authorization
	 * server; every request's path and Authorization header are recorded.
	 */
	private final class SseServer implements AutoCloseable {

		private final HttpServer server;

		private final ExecutorService executor = Executors.newFixedThreadPool(8);

		private final List<String[]> requests = new CopyOnWriteArrayList<>();

		/** Whether the SSE stream is refused with 401 instead of opened. */
		volatile boolean refuseStreams;

		SseServer() {
			try {
				this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			this.server.createContext("/", (exchange) -> {
				try (InputStream in = exchange.getRequestBody()) {
					in.readAllBytes();
				}
				String path = exchange.getRequestURI().getRawPath();
				this.requests.add(new String[] { path, exchange.getRequestHeaders().getFirst("Authorization") });
				if (path.startsWith("/.well-known/oauth-protected-resource")) {
					byte[] body = ("{\"resource\":\"" + url() + "/tenant-a/sse\",\"authorization_servers\":[\""
							+ SseTokenScopeTests.this.as.issuer() + "\"]}")
						.getBytes(StandardCharsets.UTF_8);
					exchange.getResponseHeaders().add("Content-Type", "application/json");
					exchange.sendResponseHeaders(200, body.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(body);
					}
				}
				else if (this.refuseStreams && path.endsWith("/sse")) {
					exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
					exchange.sendResponseHeaders(401, -1);
					exchange.close();
				}
				else if ("GET".equals(exchange.getRequestMethod()) && path.endsWith("/sse")) {
					exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
					exchange.sendResponseHeaders(200, 0);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write("event: endpoint\ndata: /tenant-b/message\n\n".getBytes(StandardCharsets.UTF_8));
						out.flush();
						Thread.sleep(1500);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				else {
					exchange.sendResponseHeaders(202, -1);
					exchange.close();
				}
			});
			this.server.setExecutor(this.executor);
			this.server.start();
		}

		String url() {
			return "http://localhost:" + this.server.getAddress().getPort();
		}

		List<String> authorizationsTo(String path) {
			return this.requests.stream().filter((r) -> r[0].equals(path)).map((r) -> r[1]).toList();
		}

		@Override
		public void close() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
