package dev.mcpoauth.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.testidp.RotatingJwkSource;
import dev.mcpoauth.testidp.TestIdentityProvider;
import dev.mcpoauth.Jwts;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with the {@code external-idp} profile, protected by an identity provider that runs as a separate
 * application (a real Spring Authorization Server on its own loopback port): keys fetched over HTTP through
 * discovery, RS256 and ES256 tokens, another audience refused, and a key rotation picked up without a restart.
 */
class ExternalIdentityProviderTests {

	static final int IDP_PORT = TestPorts.free();

	static final int MCP_PORT = TestPorts.free();

	static final String IDP = "http://localhost:" + IDP_PORT;

	static final String BASE = "http://localhost:" + MCP_PORT;

	static final String MCP = BASE + "/mcp";

	static ConfigurableApplicationContext idp;

	static ConfigurableApplicationContext mcpServer;

	@BeforeAll
	static void start() {
		idp = TestIdentityProvider.start(IDP_PORT, MCP);
		mcpServer = startSample(MCP_PORT, IDP);
	}

	@AfterAll
	static void stop() {
		mcpServer.close();
		idp.close();
	}

	static ConfigurableApplicationContext startSample(int port, String issuer) {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("external-idp")
			.run("--server.port=" + port, "--MCP_ISSUER_URI=" + issuer, "--mcp.oauth.server.jwks.refresh-cooldown=200ms");
	}

	static String token(String client) {
		return Http.clientCredentialsToken(IDP + "/oauth2/token", client, client + "-secret", "mcp:tools");
	}

	@Test
	void rs256TokenFromTheIdentityProviderCallsTools() throws Exception {
		String token = token("rs-client");
		assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
		try (McpSyncClient client = McpClients.withToken(BASE, () -> token)) {
			client.initialize();
			assertThat(EmbeddedAuthorizationServerTests.text(client.callTool(new CallToolRequest("whoami", Map.of()))))
				.isEqualTo("subject=rs-client audience=[" + MCP + "] scopes=mcp:tools");
		}
	}

	@Test
	void es256TokenFromTheIdentityProviderIsAccepted() throws Exception {
		String token = token("es-client");
		assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
		assertThat(Http.initialize(MCP, "Bearer " + token).statusCode()).isEqualTo(200);
	}

	@Test
	void tokenOfTheSameIdentityProviderForAnotherResourceIsRefused() {
		HttpResponse<String> response = Http.initialize(MCP, "Bearer " + token("other-client"));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
			.startsWith("Bearer error=\"invalid_token\", error_description=\"The access token was not issued for this resource (aud)\"");
	}

	@Test
	void keyRotationIsPickedUpWithoutRestart() {
		String before = token("rs-client");
		assertThat(Http.initialize(MCP, "Bearer " + before).statusCode()).isEqualTo(200);
		idp.getBean(RotatingJwkSource.class).rotate(Jwts.rsa(), Jwts.ec());
		String after = token("rs-client");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Http.initialize(MCP, "Bearer " + after).statusCode()).isEqualTo(200));
		assertThat(Http.initialize(MCP, "Bearer " + before).statusCode()).isEqualTo(401);
	}

}
