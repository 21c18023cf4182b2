package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;

import dev.mcpoauth.StubEnterpriseIdp;
import dev.mcpoauth.StubMcpAuthorizationServer;
import dev.mcpoauth.client.IdTokenResolver;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SEP-990 end to end: a Spring AI MCP client connection, configured for cross-app access with properties only,
 * calls the sample's MCP server for a user. The user's ID token comes from the enterprise identity provider (a
 * strict stub), is exchanged there for an ID-JAG, which the MCP server's authorization server (a strict stub)
 * trades for an access token that the sample verifies like any other.
 */
class CrossAppAccessEndToEndTests {

	@Test
	void springAiClientCallsToolsForTheSignedInUser() {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		try (StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-secret", "sample-xaa-client");
				StubMcpAuthorizationServer authorizationServer = new StubMcpAuthorizationServer(idp, "sample-xaa-client",
						"xaa-secret")) {
			idp.expect(authorizationServer.issuer(), base + "/mcp", "mcp:tools");
			String aliceIdToken = idp.idToken("alice");
			String prefix = "--mcp.oauth.client.registrations.enterprise.";
			try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("external-idp")
				// Stands in for oauth2Login: the default resolver reads the signed-in user's ID token.
				.initializers((context) -> context.getBeanFactory()
					.registerSingleton("idTokenResolver", (IdTokenResolver) () -> aliceIdToken))
				// The client's open SSE stream to its own server would hold graceful shutdown for 30 s.
				.run("--server.port=" + port, "--server.shutdown=immediate",
						"--MCP_ISSUER_URI=" + authorizationServer.issuer(),
						"--spring.ai.mcp.client.streamable-http.connections.enterprise.url=" + base,
						"--spring.ai.mcp.client.streamable-http.connections.enterprise.endpoint=/mcp",
						prefix + "server-url=" + base + "/mcp", prefix + "flow=cross-app-access",
						prefix + "client-id=sample-xaa-client", prefix + "client-secret=xaa-secret",
						prefix + "cross-app-access.idp-token-uri=" + idp.tokenUri(),
						prefix + "cross-app-access.idp-client-id=idp-client",
						prefix + "cross-app-access.idp-client-secret=idp-secret")) {
				@SuppressWarnings("unchecked")
				List<McpSyncClient> clients = app.getBean("mcpSyncClients", List.class);
				assertThat(clients).hasSize(1);
				McpSyncClient client = clients.get(0);
				client.initialize();
				String whoami = EmbeddedAuthorizationServerTests
					.text(client.callTool(new CallToolRequest("whoami", Map.of())));
				assertThat(whoami).isEqualTo("subject=alice audience=[" + base + "/mcp] scopes=mcp:tools");
				assertThat(idp.exchanges()).isEqualTo(1);
				assertThat(authorizationServer.tokenRequests()).isEqualTo(1);
			}
		}
	}

}
