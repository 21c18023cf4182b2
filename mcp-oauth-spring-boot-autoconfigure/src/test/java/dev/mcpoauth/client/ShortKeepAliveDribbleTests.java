package dev.mcpoauth.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.mcpoauth.StubHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile MCP server's {@code resource_metadata} answer declares a short {@code Content-Length} and trickles one
 * byte every 900 ms (each read within {@code read-timeout=1s}). The retrieval, and the call that needs it, end at
 * the connect and read timeouts (2 s): the exchange is cancelled, not left to a keep-alive stream that a disconnect
 * would only hand to the JDK's cleaner thread. (The third review's {@code AttackSlowDribbleTests}.)
 */
class ShortKeepAliveDribbleTests {

	private static final Duration DRIBBLE = Duration.ofSeconds(20);

	private final StubAuthorizationServer server = new StubAuthorizationServer();

	private final ShortDribbler dribbler = new ShortDribbler();

	private final ExecutorService callers = Executors.newFixedThreadPool(1);

	ShortKeepAliveDribbleTests() {
		this.server.http.handle("/mcp", (request) -> new Response(401, "",
				Map.of("WWW-Authenticate", "Bearer resource_metadata=\"" + this.dribbler.url() + "/prm\"")));
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.callers.shutdownNow();
		this.callers.awaitTermination(DRIBBLE.toSeconds() + 5, TimeUnit.SECONDS);
		this.dribbler.close();
		this.server.close();
	}

	/**
	 * Answers 200 with {@code Content-Length: 300} and sends one byte every 900 ms, for at most {@link #DRIBBLE};
	 * then closes the connection.
	 */
	static final class ShortDribbler implements AutoCloseable {

		final java.net.ServerSocket socket;

		final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

		ShortDribbler() {
			try {
				this.socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
			Thread acceptor = new Thread(this::accept, "short-dribbler");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.socket.getLocalPort();
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					java.net.Socket client = this.socket.accept();
					this.connections.incrementAndGet();
					Thread handler = new Thread(() -> dribble(client), "short-dribbler-conn");
					handler.setDaemon(true);
					handler.start();
				}
				catch (java.io.IOException ex) {
					return;
				}
			}
		}

		private void dribble(java.net.Socket client) {
			try (client) {
				client.setSoTimeout(2000);
				java.io.InputStream in = client.getInputStream();
				int matched = 0;
				byte[] end = "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
				while (matched < end.length) {
					int b = in.read();
					if (b < 0) {
						return;
					}
					matched = (b == end[matched]) ? matched + 1 : ((b == end[0]) ? 1 : 0);
				}
				java.io.OutputStream out = client.getOutputStream();
				out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{"
					.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
				out.flush();
				long deadline = System.nanoTime() + DRIBBLE.toNanos();
				while (System.nanoTime() < deadline && !this.socket.isClosed()) {
					Thread.sleep(900);
					out.write(' ');
					out.flush();
				}
			}
			catch (java.io.IOException | InterruptedException ex) {
				// client went away, or the test is over
			}
		}

		@Override
		public void close() {
			try {
				this.socket.close();
			}
			catch (java.io.IOException ex) {
				// closing anyway
			}
		}

	}

	@Test
	void theRetrieverEndsAtItsDeadlineOnAShortKeepAliveAnswer() throws Exception {
		dev.mcpoauth.discovery.BoundedResourceRetriever retriever = new dev.mcpoauth.discovery.BoundedResourceRetriever(
				Duration.ofSeconds(1), Duration.ofSeconds(1), 256 * 1024);
		long start = System.nanoTime();
		long millis = CompletableFuture.supplyAsync(() -> {
			try {
				retriever.retrieveResource(new java.net.URL(this.dribbler.url() + "/prm"));
			}
			catch (java.io.IOException ex) {
				// only the duration matters
			}
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		}, this.callers).get(DRIBBLE.toSeconds() + 10, TimeUnit.SECONDS);
		assertThat(millis).as("retrieveResource ends within connect- and read-timeout (2 s) plus slack")
			.isLessThan(3000);
	}

	@Test
	void aResourceMetadataAnswerTricklingJustUnderTheReadTimeoutEndsTheCallAtTheDeadline() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.read-timeout=1s", "mcp.oauth.client.connect-timeout=1s",
					"mcp.oauth.client.registrations.s.server-url=" + this.server.mcp(),
					"mcp.oauth.client.registrations.s.client-id=client-1",
					"mcp.oauth.client.registrations.s.client-secret=s3cret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RestClient rest = RestClient.builder()
					.requestFactory(new JdkClientHttpRequestFactory())
					.requestInterceptor(context.getBean(McpOAuthClients.class).restClientInterceptor("s"))
					.build();
				long start = System.nanoTime();
				long millis = CompletableFuture.supplyAsync(() -> call(rest, start), this.callers)
					.get(DRIBBLE.toSeconds() + 10, TimeUnit.SECONDS);
				assertThat(this.dribbler.connections.get()).as("discovery asked the hostile URL").isPositive();
				assertThat(millis).as("the call ends within connect- and read-timeout (2 s) plus slack")
					.isLessThan(3000);
			});
	}

	private long call(RestClient rest, long start) {
		try {
			rest.post()
				.uri(this.server.mcp())
				.body("{}")
				.retrieve()
				.onStatus((status) -> true, (request, response) -> {
				})
				.toBodilessEntity();
		}
		catch (RuntimeException ex) {
			// only the duration matters
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

}
