package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real MCP Java SDK round trip with the starter's client side against the WebFlux server: sample-app's Spring AI
 * MCP client connections ({@code client-demo} profile: client_secret_basic and private_key_jwt), pointed at the
 * WebFlux server, discover its authorization server from its 401 challenge and metadata, get tokens for its
 * resource, call {@code whoami}, and step up after 403 {@code insufficient_scope} to call {@code admin-report}.
 */
class WebFluxMcpClientTests {

	private static ConfigurableApplicationContext mcpServer;

	private static ConfigurableApplicationContext clientApplication;

	@BeforeAll
	static void start() {
		int port = TestPorts.free();
		int authorizationServerPort = TestPorts.free();
		String base = "http://localhost:" + port;
		String connections = "--spring.ai.mcp.client.streamable-http.connections.";
		String registrations = "--mcp.oauth.client.registrations.";
		mcpServer = WebFluxSample.mcpServer(port, "http://localhost:" + authorizationServerPort, new Class<?>[0]);
		clientApplication = WebFluxSample.authorizationServer(authorizationServerPort, base + "/mcp",
				"--spring.profiles.active=client-demo", "--sample.client-demo.exit-when-done=false",
				connections + "self-basic.url=" + base, connections + "self-jwt.url=" + base,
				registrations + "self-basic.server-url=" + base + "/mcp",
				registrations + "self-jwt.server-url=" + base + "/mcp");
	}

	@AfterAll
	static void stop() {
		if (clientApplication != null) {
			clientApplication.close();
		}
		mcpServer.close();
	}

	@Test
	void everyConnectionCallsTheToolsAndStepsUpForTheAdminTool() {
		List<McpSyncClient> clients = clientApplication.<List<McpSyncClient>>getBeanProvider(
				ResolvableType.forClassWithGenerics(List.class, McpSyncClient.class))
			.getObject();
		assertThat(clients).hasSize(2);
		for (McpSyncClient client : clients) {
			client.initialize();
			assertThat(EmbeddedAuthorizationServerTests.text(client.callTool(new CallToolRequest("whoami", Map.of()))))
				.isEqualTo("whoami: authorized");
			assertThat(EmbeddedAuthorizationServerTests
				.text(client.callTool(new CallToolRequest("admin-report", Map.of()))))
				.isEqualTo("admin report for a caller with mcp:admin");
		}
	}

}
