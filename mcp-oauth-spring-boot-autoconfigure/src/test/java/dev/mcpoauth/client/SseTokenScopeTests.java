package dev.mcpoauth.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import dev.mcpoauth.client.transport.SpringAiMcpClientAuthorization;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.ai.mcp.client.common.autoconfigure.McpSseClientConnectionDetails;
import org.springframework.ai.mcp.client.common.autoconfigure.NamedClientMcpTransport;
import org.springframework.ai.mcp.client.common.autoconfigure.properties.McpSseClientProperties.SseParameters;
import org.springframework.ai.mcp.client.httpclient.autoconfigure.SseHttpClientTransportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SSE client with Spring AI's own SSE transport auto-configuration, a raw SSE MCP server and an authorization
 * server on loopback. The registration is {@code <origin>/tenant-a/sse}; a second app, {@code /tenant-b/...}, lives on
 * the same origin (a path-routed MCP gateway). A connection that opens its stream outside the {@code server-url}
 * (through Spring AI's connection-details bean, or with the starter's own customizer replaced, both of which skip
 * the start-up check) gets no token on it. (The fifth review's {@code AttackSseScopeTests}; its third case, a
 * message endpoint on the same origin announced by the registration's own server, carries the token by design, as
 * README says.)
 */
class SseTokenScopeTests {

	private static final String S = "mcp.oauth.client.registrations.s.";

	private final StubAuthorizationServer as = new StubAuthorizationServer();

	private final SseServer mcp = new SseServer();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class,
				SseHttpClientTransportAutoConfiguration.class))
		.withPropertyValues(S + "server-url=" + this.mcp.url() + "/tenant-a/sse", S + "client-id=c",
				S + "client-secret=top-secret");

	@AfterEach
	void stop() {
		this.mcp.close();
		this.as.close();
	}

	/**
	 * Start-up check bypass (1): Spring AI reads SSE connections from a {@link McpSseClientConnectionDetails} bean (a
	 * service connection, or the application's own); the starter checks only the properties. The connection points
	 * at another app on the same origin, the start-up passes, and the stream request there carries tenant-a's token.
	 */
	@Test
	void sseConnectionDetailsOutsideTheServerUrlDoNotStartWithTheToken() {
		this.runner
			.withBean(McpSseClientConnectionDetails.class,
					() -> () -> Map.of("s", new SseParameters(this.mcp.url(), "/tenant-b/sse")))
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					return; // refused at start-up: the guarantee held
				}
				connectAndSend(context);
				assertThat(this.mcp.authorizationsTo("/tenant-b/sse")).isNotEmpty()
					.as("tenant-a's token sent to the SSE stream of another app (outside server-url)")
					.allMatch((authorization) -> authorization == null);
			});
	}

	/**
	 * Start-up check bypass (2): the SSE check runs inside the streamable-HTTP customizer's bean method, so an
	 * application that defines its own {@link SpringAiMcpClientAuthorization} (the starter invites it: every bean
	 * backs off) loses the SSE check, while the SSE customizer still attaches tokens on the whole origin.
	 */
	@Test
	void ownStreamableCustomizerBeanDisablesTheSseStartupCheck() {
		this.runner
			.withPropertyValues("spring.ai.mcp.client.sse.connections.s.url=" + this.mcp.url(),
					"spring.ai.mcp.client.sse.connections.s.sse-endpoint=/tenant-b/sse")
			.withUserConfiguration(OwnCustomizer.class)
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					return;
				}
				connectAndSend(context);
				assertThat(this.mcp.authorizationsTo("/tenant-b/sse")).isNotEmpty()
					.as("tenant-a's token sent to the SSE stream of another app (outside server-url)")
					.allMatch((authorization) -> authorization == null);
			});
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class OwnCustomizer {

		@org.springframework.context.annotation.Bean
		SpringAiMcpClientAuthorization ownStreamableCustomizer(McpOAuthClients clients) {
			return new SpringAiMcpClientAuthorization(clients);
		}

	}

	@SuppressWarnings("unchecked")
	private void connectAndSend(AssertableApplicationContext context) {
		List<NamedClientMcpTransport> transports = (List<NamedClientMcpTransport>) context
			.getBean("sseHttpClientTransports");
		McpClientTransport transport = transports.get(0).transport();
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
