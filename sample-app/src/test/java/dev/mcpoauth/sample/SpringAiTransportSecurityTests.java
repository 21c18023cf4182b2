package dev.mcpoauth.sample;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mcpoauth.server.web.PathVariants;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on each of Spring AI's MCP server transports (streamable HTTP, stateless, SSE), attacked over raw HTTP
 * with tokens of the sample's own authorization server:
 * <ul>
 * <li>per-tool scopes hold on every {@link PathVariants spelling} of the endpoint: {@code admin-report}, called with
 * a token that has {@code mcp:tools} only, never runs (counted at the tool), while the same call with
 * {@code mcp:admin} does;</li>
 * <li>an MCP session (the {@code Mcp-Session-Id} of streamable HTTP, the {@code sessionId} of SSE) serves only the
 * client whose token created it.</li>
 * </ul>
 * {@code sample-webflux} runs the same suite against Spring AI's WebFlux transports ({@link #start}).
 */
class SpringAiTransportSecurityTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "STREAMABLE", "STATELESS", "SSE" })
	void toolScopesHoldOnEveryPathSpelling(String protocol) throws Exception {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		try (ConfigurableApplicationContext app = start(port, "--spring.ai.mcp.server.protocol=" + protocol,
				"--spring.ai.mcp.server.sse-endpoint=/mcp/sse")) {
			AtomicInteger adminRuns = app.getBean(CountingTools.class).adminRuns;
			String narrow = token(base, "sample-client", "sample-secret", "mcp:tools");
			String wide = token(base, "sample-client", "sample-secret", "mcp:tools mcp:admin");
			Session narrowSession = Session.open(protocol, base, narrow);
			Session wideSession = Session.open(protocol, base, wide);
			try {
				for (String path : PathVariants.of(narrowSession.path())) {
					HttpResponse<String> response = PathVariants.post(narrowSession.url(base, path), narrow,
							narrowSession.id(), PathVariants.toolCall(7, "admin-report"));
					assertThat(response.body()).as(path).doesNotContain("admin report for");
				}
				assertThat(PathVariants.post(narrowSession.url(base, narrowSession.path()), narrow, narrowSession.id(),
						PathVariants.toolCall(8, "admin-report")).statusCode()).isEqualTo(403);
				PathVariants.post(wideSession.url(base, wideSession.path()), wide, wideSession.id(),
						PathVariants.toolCall(9, "admin-report"));
				waitFor(() -> adminRuns.get() > 0);
				assertThat(adminRuns).as("only the call with mcp:admin ran").hasValue(1);
			}
			finally {
				narrowSession.close();
				wideSession.close();
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "STREAMABLE", "SSE" })
	void aSessionServesOnlyTheClientThatCreatedIt(String protocol) throws Exception {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		String secondClient = "--spring.security.oauth2.authorizationserver.client.second-client.registration.";
		try (ConfigurableApplicationContext app = start(port, "--spring.ai.mcp.server.protocol=" + protocol,
				"--spring.ai.mcp.server.sse-endpoint=/mcp/sse", secondClient + "client-id=second-client",
				secondClient + "client-secret={noop}second-secret",
				secondClient + "client-authentication-methods=client_secret_basic",
				secondClient + "authorization-grant-types=client_credentials",
				secondClient + "scopes=mcp:tools,mcp:admin")) {
			AtomicInteger adminRuns = app.getBean(CountingTools.class).adminRuns;
			String owner = token(base, "sample-client", "sample-secret", "mcp:tools mcp:admin");
			String other = token(base, "second-client", "second-secret", "mcp:tools mcp:admin");
			try (Session session = Session.open(protocol, base, owner); Session own = Session.open(protocol, base, other)) {
				String url = session.url(base, session.path());
				HttpResponse<String> hijack = PathVariants.post(url, other, session.id(),
						PathVariants.toolCall(2, "admin-report"));
				assertThat(hijack.statusCode()).isEqualTo(404);
				String victim = (session.query() != null) ? session.query() : "sessionId=" + session.id();
				String ownUrl = own.url(base, own.path());
				String twoSessions = ownUrl + (ownUrl.contains("?") ? "&" : "?") + victim;
				assertThat(PathVariants.post(twoSessions, other, own.id(), PathVariants.toolCall(3, "admin-report"))
					.statusCode()).as("two sessions named at once").isEqualTo(404);
				Thread.sleep(200);
				assertThat(adminRuns).as("runs of the hijackers' calls").hasValue(0);
				assertThat(PathVariants.post(url, owner, session.id(), PathVariants.toolCall(4, "admin-report"))
					.statusCode() / 100).isEqualTo(2);
				assertThat(PathVariants.post(own.url(base, own.path()), other, own.id(),
						PathVariants.toolCall(5, "admin-report")).statusCode() / 100).isEqualTo(2);
				waitFor(() -> adminRuns.get() == 2);
				assertThat(adminRuns).as("each owner's call ran").hasValue(2);
			}
		}
	}

	/**
	 * Start the MCP server under test, with {@link CountingTools}, and whatever issues its tokens.
	 * @param port the port of the MCP server
	 * @param more further arguments, for the MCP server and its authorization server alike
	 * @return the MCP server; closing it stops everything started here
	 */
	ConfigurableApplicationContext start(int port, String... more) {
		return new SpringApplicationBuilder(SampleApplication.class, CountingTools.class).run(arguments(port, more));
	}

	static String[] arguments(int port, String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
				"--mcp.oauth.server.tool-scopes.admin-report=mcp:admin"));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	/**
	 * @param base the MCP server's base URL
	 * @return the token endpoint of its authorization server: the sample's own
	 */
	String tokenEndpoint(String base) {
		return base + "/oauth2/token";
	}

	private String token(String base, String client, String secret, String scope) {
		return Http.clientCredentialsToken(tokenEndpoint(base), client, secret, scope);
	}

	private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	/**
	 * A client's standing with one transport: the path its messages go to, and its session (the
	 * {@code Mcp-Session-Id} of streamable HTTP, or the open SSE stream whose {@code sessionId} is in the URL).
	 */
	private record Session(String path, String id, String query, InputStream stream) implements AutoCloseable {

		static Session open(String protocol, String base, String token) throws Exception {
			return switch (protocol) {
				case "STREAMABLE" -> {
					HttpResponse<String> response = PathVariants.post(base + "/mcp", token, null, Http.INITIALIZE);
					String id = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
					PathVariants.post(base + "/mcp", token, id, INITIALIZED);
					yield new Session("/mcp", id, null, null);
				}
				case "STATELESS" -> new Session("/mcp", null, null, null);
				case "SSE" -> {
					HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/sse"))
						.header("Authorization", "Bearer " + token)
						.header("Accept", "text/event-stream")
						.build(), HttpResponse.BodyHandlers.ofInputStream());
					assertThat(stream.statusCode()).isEqualTo(200);
					String endpoint = endpointEvent(stream.body());
					String query = endpoint.substring(endpoint.indexOf('?') + 1);
					Session session = new Session(endpoint.substring(0, endpoint.indexOf('?')), null, query,
							stream.body());
					PathVariants.post(session.url(base, session.path()), token, null, Http.INITIALIZE);
					PathVariants.post(session.url(base, session.path()), token, null, INITIALIZED);
					yield session;
				}
				default -> throw new IllegalArgumentException(protocol);
			};
		}

		/** The {@code data} of the SSE transport's first event, {@code endpoint}: the message URL. */
		private static String endpointEvent(InputStream stream) throws Exception {
			BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith("data:")) {
					return line.substring("data:".length()).trim();
				}
			}
			throw new IllegalStateException("The SSE stream ended before its endpoint event");
		}

		String url(String base, String path) {
			if (this.query == null) {
				return base + path;
			}
			return base + path + (path.contains("?") ? "&" : "?") + this.query;
		}

		@Override
		public void close() throws Exception {
			if (this.stream != null) {
				this.stream.close();
			}
		}

	}

	/** Counts the runs of {@code admin-report}, on the session-keeping transports and on the stateless one. */
	@Configuration(proxyBeanMethods = false)
	static class CountingTools {

		final AtomicInteger adminRuns = new AtomicInteger();

		@Bean
		static BeanPostProcessor countAdminReportRuns(CountingTools counter) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (!"mcpTools".equals(beanName) || !(bean instanceof List<?> tools)) {
						return bean;
					}
					return tools.stream().map((tool) -> counting((SyncToolSpecification) tool, counter)).toList();
				}

			};
		}

		private static SyncToolSpecification counting(SyncToolSpecification tool, CountingTools counter) {
			if (!"admin-report".equals(tool.tool().name())) {
				return tool;
			}
			return SyncToolSpecification.builder().tool(tool.tool()).callHandler((exchange, request) -> {
				counter.adminRuns.incrementAndGet();
				return tool.callHandler().apply(exchange, request);
			}).build();
		}

		@Bean
		List<McpStatelessServerFeatures.SyncToolSpecification> statelessTools() {
			Tool adminReport = Tool.builder()
				.name("admin-report")
				.inputSchema(Map.of("type", "object", "properties", Map.of()))
				.build();
			return List.of(new McpStatelessServerFeatures.SyncToolSpecification(adminReport, (context, request) -> {
				this.adminRuns.incrementAndGet();
				return CallToolResult.builder().addTextContent("admin report for a stateless caller").build();
			}));
		}

	}

}
