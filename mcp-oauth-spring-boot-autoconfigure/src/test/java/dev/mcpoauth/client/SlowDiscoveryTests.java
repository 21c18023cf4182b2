package dev.mcpoauth.client;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.mcpoauth.DribblingServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile MCP server's 401 names a {@code resource_metadata} URL whose answer trickles in one byte every 300 ms:
 * no single read waits as long as {@code read-timeout}, so per-read timeouts never end it. The whole answer is
 * bounded ({@code BoundedResourceRetriever}): a call ends within the connect and read timeouts, and another user's
 * call on the same registration, which waits for the first discovery, within twice that. (The reviewer's
 * {@code AttackClientHangTests}: 9.3 s and 18.3 s with {@code read-timeout=1s}.) The same holds for an answer that
 * declares a short {@code Content-Length} and trickles one byte every 900 ms, which the JDK would keep alive, so that
 * closing its connection does not end the read: the exchange itself is cancelled (the third review's
 * {@code AttackSlowDribbleTests}: 3.8 s to 21 s).
 */
class SlowDiscoveryTests {

	/** The registration's read-timeout and connect-timeout. */
	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/** How long the dribbling server keeps a connection going (the test then ends by itself). */
	private static final Duration DRIBBLE = Duration.ofSeconds(20);

	private final StubAuthorizationServer server = new StubAuthorizationServer();

	private final DribblingServer dribbler = new DribblingServer(Duration.ofMillis(300), DRIBBLE);

	private final ExecutorService callers = Executors.newFixedThreadPool(2);

	SlowDiscoveryTests() {
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

	@Test
	void theRetrieverEndsAtItsDeadlineOnAShortKeepAliveAnswer() throws Exception {
		try (DribblingServer keptAlive = new DribblingServer(Duration.ofMillis(900), DRIBBLE, 300)) {
			BoundedResourceRetriever retriever = new BoundedResourceRetriever(TIMEOUT, TIMEOUT, 256 * 1024);
			long start = System.nanoTime();
			long millis = CompletableFuture.supplyAsync(() -> {
				try {
					retriever.retrieveResource(new URL(keptAlive.url() + "/prm"));
				}
				catch (IOException ex) {
					// only the duration matters
				}
				return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			}, this.callers).get(DRIBBLE.toSeconds() + 5, TimeUnit.SECONDS);
			assertThat(millis).as("connect- and read-timeout (2 s) plus slack").isLessThan(3000);
		}
	}

	@Test
	void aTricklingResourceMetadataDocumentDoesNotHangCallsPastTheReadTimeout() {
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
				CompletableFuture<Long> alice = CompletableFuture.supplyAsync(() -> call(rest, start), this.callers);
				Thread.sleep(300);
				CompletableFuture<Long> bob = CompletableFuture.supplyAsync(() -> call(rest, start), this.callers);
				long aliceMillis = alice.get(DRIBBLE.toSeconds() + 5, TimeUnit.SECONDS);
				long bobMillis = bob.get(DRIBBLE.toSeconds() + 5, TimeUnit.SECONDS);
				assertThat(this.dribbler.connections.get()).as("discovery asked the hostile URL").isPositive();
				// a discovery is bounded by connect- and read-timeout (2 s); the slack is for a loaded 2-core machine,
				// far below the 20 s an unbounded read would take
				long discovery = 2 * TIMEOUT.toMillis();
				assertThat(aliceMillis).as("the first call ends within a discovery").isLessThan(2 * discovery + 1000);
				assertThat(bobMillis).as("the second waits for one discovery, then makes its own")
					.isLessThan(3 * discovery + 1000);
			});
	}

	/** One call through the interceptor; its duration in ms from {@code start}, whatever its outcome. */
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
			// a failed call is fine; only how long it took matters
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

}
