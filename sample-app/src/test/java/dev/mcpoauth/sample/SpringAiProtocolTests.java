package dev.mcpoauth.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mcpoauth.server.McpEndpoints;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The starter protects whatever Spring AI's MCP server exposes, read from Spring AI's own properties: its SSE
 * transport (the default: {@code GET /sse}, {@code POST /mcp/message}), streamable HTTP and stateless
 * ({@code /mcp}), each with the same challenge, metadata and tool scopes, driven end to end by the MCP Java SDK's
 * client transports with tokens of the sample's authorization server.
 */
class SpringAiProtocolTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void endpointsAreReadFromSpringAiPropertiesWithItsDefaults() {
		ClassLoader loader = getClass().getClassLoader();
		assertThat(McpEndpoints.of(null, new MockEnvironment(), loader))
			.as("protocol unset: Spring AI serves SSE")
			.isEqualTo(new McpEndpoints("/sse", List.of("/sse", "/mcp/message")));
		assertThat(McpEndpoints.of(null, new MockEnvironment().withProperty("spring.ai.mcp.server.protocol", "sse")
			.withProperty("spring.ai.mcp.server.sse-endpoint", "/events")
			.withProperty("spring.ai.mcp.server.sse-message-endpoint", "/messages"), loader))
			.isEqualTo(new McpEndpoints("/events", List.of("/events", "/messages")));
		assertThat(McpEndpoints.of(null, new MockEnvironment().withProperty("spring.ai.mcp.server.protocol", "STATELESS")
			.withProperty("spring.ai.mcp.server.streamable-http.mcp-endpoint", "/api/mcp"), loader))
			.isEqualTo(new McpEndpoints("/api/mcp", List.of("/api/mcp")));
		assertThat(McpEndpoints.of("/custom", new MockEnvironment(), loader)).as("a configured endpoint comes first")
			.isEqualTo(new McpEndpoints("/custom", List.of("/custom", "/sse", "/mcp/message")));
		assertThat(McpEndpoints.of(null, new MockEnvironment().withProperty("spring.ai.mcp.server.protocol", "STREAMABLE")
			.withProperty("spring.ai.mcp.server.streamable-http.mcp-endpoint", "mcp"), loader))
			.as("Spring AI's router serves a path without its leading slash under one")
			.isEqualTo(new McpEndpoints("/mcp", List.of("/mcp")));
		assertThat(McpEndpoints.of(null, new MockEnvironment().withProperty("spring.ai.mcp.server.stdio", "true"), loader))
			.isEqualTo(new McpEndpoints("/mcp", List.of("/mcp")));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "SSE, /sse, /mcp/message", "STREAMABLE, /mcp, /mcp", "STATELESS, /mcp, /mcp" })
	void eachProtocolIsProtectedWithTheSameChallengeMetadataAndToolScopes(String protocol, String endpoint,
			String messages) throws Exception {
		int port = freePort();
		String base = "http://localhost:" + port;
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class,
				SpringAiTransportSecurityTests.CountingTools.class).run(
				"--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
				"--spring.ai.mcp.server.protocol=" + protocol, "--mcp.oauth.server.resource=" + base + endpoint)) {
			String metadataUrl = base + "/.well-known/oauth-protected-resource" + endpoint;
			for (String path : List.of(endpoint, messages)) {
				HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
					.header("Content-Type", "application/json")
					.header("Accept", "application/json, text/event-stream")
					.POST(HttpRequest.BodyPublishers.ofString(Http.INITIALIZE))
					.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
				assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).as(path)
					.startsWith("Bearer ")
					.contains("resource_metadata=\"" + metadataUrl + "\"");
			}
			HttpResponse<String> metadata = HTTP.send(HttpRequest.newBuilder(URI.create(metadataUrl)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(metadata.statusCode()).isEqualTo(200);
			assertThat(metadata.body()).contains("\"resource\":\"" + base + endpoint + "\"");

			String tools = Http.clientCredentialsToken(base + "/oauth2/token", "sample-client", "sample-secret",
					"mcp:tools");
			String admin = Http.clientCredentialsToken(base + "/oauth2/token", "sample-client", "sample-secret",
					"mcp:tools mcp:admin");
			AtomicInteger adminRuns = app.getBean(SpringAiTransportSecurityTests.CountingTools.class).adminRuns;
			try (McpSyncClient client = client(protocol, base, endpoint, tools)) {
				client.initialize();
				if (!"STATELESS".equals(protocol)) {
					assertThat(text(client, "whoami")).startsWith("subject=sample-client");
				}
				assertThatException().as("admin-report with mcp:tools only").isThrownBy(() -> text(client, "admin-report"));
				assertThat(adminRuns).hasValue(0);
			}
			try (McpSyncClient client = client(protocol, base, endpoint, admin)) {
				client.initialize();
				assertThat(text(client, "admin-report")).startsWith("admin report for");
				assertThat(adminRuns).hasValue(1);
			}
		}
	}

	/** The fourth review's {@code AttackSpringAiEndpointSpellingTests}: this stopped the start-up. */
	@Test
	void aRelativeStreamableEndpointThatSpringAiServesStartsAndIsProtected() throws Exception {
		int port = freePort();
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
				"--spring.ai.mcp.server.protocol=STREAMABLE", "--spring.ai.mcp.server.streamable-http.mcp-endpoint=mcp")) {
			HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/mcp"))
				.header("Content-Type", "application/json")
				.header("Accept", "application/json, text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString(Http.INITIALIZE))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(anonymous.statusCode()).isEqualTo(401);
			assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer ");
		}
	}

	private static McpSyncClient client(String protocol, String base, String endpoint, String token) {
		McpSyncHttpClientRequestCustomizer bearer = (builder, method, uri, body, context) -> builder
			.header("Authorization", "Bearer " + token);
		McpClientTransport transport = "SSE".equals(protocol)
				? HttpClientSseClientTransport.builder(base).sseEndpoint(endpoint).httpRequestCustomizer(bearer).build()
				: HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint).httpRequestCustomizer(bearer).build();
		return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
	}

	private static String text(McpSyncClient client, String tool) {
		return ((TextContent) client.callTool(new CallToolRequest(tool, Map.of())).content().get(0)).text();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
