package dev.mcpoauth.sample;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.mcpoauth.StubEnterpriseIdp;
import dev.mcpoauth.StubMcpAuthorizationServer;
import dev.mcpoauth.client.IdTokenResolver;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SEP-990 end to end: a Spring AI MCP client connection, configured for cross-app access with properties only,
 * calls the sample's MCP server for a user. The user's ID token comes from the enterprise identity provider (a
 * strict stub), is exchanged there for an ID-JAG, which the MCP server's authorization server (a strict stub)
 * trades for an access token that the sample verifies like any other.
 */
class CrossAppAccessEndToEndTests {

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void springAiClientCallsToolsForTheSignedInUser() {
		// Stands in for oauth2Login: a resolver bean that returns the signed-in user's ID token.
		callWhoami((aliceIdToken) -> (context) -> context.getBeanFactory()
			.registerSingleton("idTokenResolver", (IdTokenResolver) () -> aliceIdToken));
	}

	@Test
	void springAiClientFindsTheOAuth2LoginUserWithTheDefaultResolver() {
		// What oauth2Login leaves on the calling thread; the SDK calls the server from its own threads.
		callWhoami((aliceIdToken) -> {
			OidcIdToken idToken = new OidcIdToken(aliceIdToken, Instant.now(), Instant.now().plusSeconds(300),
					Map.of("sub", "alice"));
			DefaultOidcUser user = new DefaultOidcUser(List.of(new SimpleGrantedAuthority("OIDC_USER")), idToken);
			SecurityContextHolder.getContext()
				.setAuthentication(new OAuth2AuthenticationToken(user, user.getAuthorities(), "idp"));
			return (context) -> {
			};
		});
	}

	/** Starts the sample with a cross-app access connection to itself and calls whoami as alice. */
	private void callWhoami(Function<String, ApplicationContextInitializer<ConfigurableApplicationContext>> user) {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		try (StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-secret", "sample-xaa-client");
				StubMcpAuthorizationServer authorizationServer = new StubMcpAuthorizationServer(idp, "sample-xaa-client",
						"xaa-secret")) {
			idp.expect(authorizationServer.issuer(), base + "/mcp", "mcp:tools");
			String prefix = "--mcp.oauth.client.registrations.enterprise.";
			try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("external-idp")
				.initializers(user.apply(idp.idToken("alice")))
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
