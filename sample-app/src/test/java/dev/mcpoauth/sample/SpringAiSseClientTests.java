package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AI's MCP client on its SSE transport, configured with properties only
 * ({@code spring.ai.mcp.client.sse.connections}), calls the sample's MCP server on Spring AI's SSE transport: the
 * starter attaches the token to the SSE stream and to the announced message endpoint (same origin, outside
 * {@code /sse}), and steps up within the call when {@code admin-report} needs {@code mcp:admin}. The token requests
 * name the SSE endpoint as their {@code resource}.
 */
@SpringBootTest(classes = { SampleApplication.class, SpringAiMcpClientTests.TokenRequestRecorder.class },
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "server.shutdown=immediate", "spring.ai.mcp.server.protocol=SSE",
				"mcp.oauth.server.resource=${sample.base-url}/sse", "spring.ai.mcp.client.initialized=false",
				"spring.ai.mcp.client.sse.connections.self-sse.url=${sample.base-url}",
				"spring.ai.mcp.client.sse.connections.self-sse.sse-endpoint=/sse",
				"mcp.oauth.client.registrations.self-sse.server-url=${sample.base-url}/sse",
				"mcp.oauth.client.registrations.self-sse.client-id=sample-client",
				"mcp.oauth.client.registrations.self-sse.client-secret=sample-secret",
				"mcp.oauth.client.registrations.self-sse.scopes=mcp:tools" })
class SpringAiSseClientTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	List<McpSyncClient> clients;

	@Autowired
	List<Map<String, String>> tokenRequests;

	@Test
	void theSseClientCallsToolsAndStepsUpWithinTheCall() {
		assertThat(this.clients).hasSize(1);
		McpSyncClient client = this.clients.get(0);
		client.initialize();
		assertThat(EmbeddedAuthorizationServerTests.text(client.callTool(new CallToolRequest("whoami", Map.of()))))
			.isEqualTo("subject=sample-client audience=[" + BASE + "/sse] scopes=mcp:tools");
		assertThat(EmbeddedAuthorizationServerTests.text(client.callTool(new CallToolRequest("admin-report", Map.of()))))
			.startsWith("admin report for subject=sample-client audience=[" + BASE + "/sse] scopes=mcp:admin mcp:tools");
		assertThat(this.tokenRequests).extracting((form) -> form.get("resource")).containsOnly(BASE + "/sse");
		assertThat(this.tokenRequests).extracting((form) -> form.get("scope"))
			.containsExactly("mcp:tools", "mcp:tools mcp:admin");
	}

}
