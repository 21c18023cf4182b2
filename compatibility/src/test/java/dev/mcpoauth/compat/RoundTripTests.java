package dev.mcpoauth.compat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app a user builds from the README, started on loopback: Spring AI's MCP client calls Spring AI's MCP server,
 * both secured by the starter from properties, tokens from the embedded Spring Authorization Server. Runs for each
 * line of the support table (compatibility/run.sh).
 */
class RoundTripTests {

	/** Which MCP Java SDK line runs (2.1 and later keep a list of request customizers). */
	private static final boolean SDK_REPLAYS_WITH_NEW_TOKEN = ClassUtils.hasMethod(
			HttpClientStreamableHttpTransport.Builder.class, "addHttpRequestCustomizer",
			McpSyncHttpClientRequestCustomizer.class);

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "STREAMABLE", "STATELESS", "SSE" })
	void serverAndClientRoundTripWithAToolScopeStepUp(String protocol) throws Exception {
		int port = freePort();
		boolean sse = "SSE".equals(protocol);
		String endpoint = sse ? "/sse" : "/mcp";
		System.out.println("compatibility: Spring Boot " + SpringBootVersion.getVersion() + ", MCP SDK "
				+ (SDK_REPLAYS_WITH_NEW_TOKEN ? "2.1+" : "2.0"));
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(CompatibilityApplication.class)
			.profiles(protocol.toLowerCase(Locale.ROOT))
			.run("--server.port=" + port, "--server.shutdown=immediate", "--spring.main.banner-mode=off")) {
			String base = "http://localhost:" + port;

			HttpResponse<String> anonymous = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(base + endpoint))
					.header("Content-Type", "application/json")
					.header("Accept", "application/json, text/event-stream")
					.POST(HttpRequest.BodyPublishers.ofString("{}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(anonymous.statusCode()).isEqualTo(401);
			assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer ")
				.contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource" + endpoint + "\"");

			McpSyncClient client = clients(app).stream()
				.filter((candidate) -> candidate.getClientInfo().name().contains(sse ? "self-sse" : "self"))
				.filter((candidate) -> sse || !candidate.getClientInfo().name().contains("self-sse"))
				.findFirst()
				.orElseThrow();
			client.initialize();
			assertThat(text(client.callTool(new CallToolRequest("whoami", Map.of())))).isEqualTo("subject=agent");

			CallToolRequest admin = new CallToolRequest("admin-report", Map.of());
			assertThat(text(client.callTool(admin))).as("stepped up within the call").isEqualTo("admin report for agent");
			assertThat(text(client.callTool(new CallToolRequest("whoami", Map.of())))).isEqualTo("subject=agent");
		}
	}

	@SuppressWarnings("unchecked")
	private static List<McpSyncClient> clients(ConfigurableApplicationContext app) {
		ResolvableType type = ResolvableType.forType(new ParameterizedTypeReference<List<McpSyncClient>>() {
		});
		return (List<McpSyncClient>) app.getBeanProvider(type).getObject();
	}

	private static String text(CallToolResult result) {
		assertThat(result.isError()).as("tool error: %s", result.content()).isNotEqualTo(Boolean.TRUE);
		return ((TextContent) result.content().get(0)).text();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
