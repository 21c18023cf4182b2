package dev.mcpoauth.keycloak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import dev.mcpoauth.sample.SampleApplication;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter with a real Keycloak 26 on loopback: the sample MCP server accepts Keycloak's access tokens (its
 * audience mapper puts the MCP resource in {@code aud}) and refuses those for another audience; the starter's
 * client discovers Keycloak (issuer path {@code /realms/mcp}) from the sample's metadata and gets tokens with
 * {@code client_secret_basic} and with {@code private_key_jwt} (Keycloak verifies the assertion against the JWK Set
 * the test serves); a Keycloak key rotation through the admin REST API is picked up without a restart; and the 403
 * step-up reaches a tool that needs Keycloak's optional client scope {@code mcp:admin}. A second sample server
 * checks every token at Keycloak's introspection endpoint (RFC 7662, discovered from the realm's metadata, as the
 * confidential client {@code mcp-introspector}, which Keycloak 26.6+ wants in the token's audience): it accepts
 * Keycloak's access tokens, lightweight ones included (their JWT has no {@code aud}; the introspection answer has
 * it), and refuses tokens for another audience and revoked tokens, which the first server, verifying JWTs locally,
 * still accepts.
 */
class KeycloakInteropTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final ECKey JWT_CLIENT_KEY = Jwts.ec();

	static StubHttpServer clientJwks;

	static KeycloakServer keycloak;

	static ConfigurableApplicationContext sample;

	static String base;

	static ConfigurableApplicationContext introspecting;

	static String introspectingBase;

	@BeforeAll
	static void start() throws Exception {
		clientJwks = new StubHttpServer().serve("/jwks", Jwts.jwks(JWT_CLIENT_KEY.toPublicJWK()));
		int mcpPort = freePort();
		base = "http://localhost:" + mcpPort;
		keycloak = KeycloakServer.start(freePort(), freePort(), "/mcp-realm.json",
				Map.of("MCP_RESOURCE", base + "/mcp", "OTHER_RESOURCE", base + "/other", "JWT_CLIENT_JWKS_URL",
						clientJwks.url() + "/jwks"));
		Path key = Files.createTempFile("mcp-jwt-client", ".jwk.json");
		Files.writeString(key, JWT_CLIENT_KEY.toJSONString());
		key.toFile().deleteOnExit();
		String client = "--mcp.oauth.client.registrations.";
		sample = new SpringApplicationBuilder(SampleApplication.class).profiles("external-idp")
			.run("--server.port=" + mcpPort, "--server.shutdown=immediate", "--MCP_ISSUER_URI=" + keycloak.issuer(),
					"--mcp.oauth.server.jwks.refresh-cooldown=1s",
					client + "kc-basic.server-url=" + base + "/mcp", client + "kc-basic.client-id=mcp-basic",
					client + "kc-basic.client-secret=mcp-basic-secret",
					client + "kc-basic.client-authentication-method=client_secret_basic",
					client + "kc-jwt.server-url=" + base + "/mcp", client + "kc-jwt.client-id=mcp-jwt",
					client + "kc-jwt.client-authentication-method=private_key_jwt",
					client + "kc-jwt.private-key-location=file:" + key, client + "kc-jwt.signing-algorithm=ES256");
		int introspectingPort = freePort();
		introspectingBase = "http://localhost:" + introspectingPort;
		introspecting = new SpringApplicationBuilder(SampleApplication.class).profiles("external-idp")
			.run("--server.port=" + introspectingPort, "--server.shutdown=immediate",
					"--MCP_ISSUER_URI=" + keycloak.issuer(), "--MCP_RESOURCE=" + base + "/mcp",
					"--mcp.oauth.server.introspection.client-id=mcp-introspector",
					"--mcp.oauth.server.introspection.client-secret=mcp-introspector-secret",
					"--mcp.oauth.server.introspection.mode=all");
	}

	@AfterAll
	static void stop() {
		if (introspecting != null) {
			introspecting.close();
		}
		if (sample != null) {
			sample.close();
		}
		if (keycloak != null) {
			keycloak.close();
		}
		if (clientJwks != null) {
			clientJwks.close();
		}
	}

	@Test
	void theMcpServerAcceptsKeycloakAccessTokens() throws Exception {
		HttpResponse<String> response = initialize("Bearer " + keycloakToken("mcp-basic", "mcp-basic-secret", null));
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void theMcpServerRefusesKeycloakTokensForAnotherAudience() throws Exception {
		HttpResponse<String> response = initialize(
				"Bearer " + keycloakToken("other-audience", "other-audience-secret", null));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
			.contains("error=\"invalid_token\"")
			.contains("(aud)");
	}

	@Test
	void keycloaksIntrospectionEndpointAcceptsItsTokensLightweightOnesIncluded() throws Exception {
		String token = keycloakToken("mcp-introspected", "mcp-introspected-secret", null);
		Map<String, Object> answer = json(introspect(token).body());
		assertThat(answer).as("what Keycloak answers, and the rules read")
			.containsEntry("active", true)
			.containsEntry("token_type", "Bearer")
			.containsEntry("typ", "Bearer")
			.containsEntry("iss", keycloak.issuer())
			.containsKey("exp");
		assertThat(initialize(introspectingBase, "Bearer " + token).statusCode()).isEqualTo(200);
		String lightweight = keycloakToken("mcp-lightweight", "mcp-lightweight-secret", null);
		assertThat(SignedJWT.parse(lightweight).getJWTClaimsSet().getAudience()).as("a lightweight token").isEmpty();
		assertThat(initialize("Bearer " + lightweight).statusCode()).as("verified locally, it names no audience")
			.isEqualTo(401);
		assertThat(initialize(introspectingBase, "Bearer " + lightweight).statusCode())
			.as("introspected, Keycloak names the audience").isEqualTo(200);
	}

	@Test
	void keycloaksIntrospectionEndpointRefusesTokensForAnotherAudienceAndRevokedTokens() throws Exception {
		HttpResponse<String> other = initialize(introspectingBase,
				"Bearer " + keycloakToken("other-audience", "other-audience-secret", null));
		assertThat(other.statusCode()).isEqualTo(401);
		assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("(aud)");
		String revoked = keycloakToken("mcp-introspected", "mcp-introspected-secret", null);
		HttpResponse<String> revocation = send(HttpRequest
			.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/revoke"))
			.header("Authorization", basic("mcp-introspected", "mcp-introspected-secret"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=" + revoked + "&token_type_hint=access_token")));
		assertThat(revocation.statusCode()).as(revocation.body()).isEqualTo(200);
		assertThat(json(introspect(revoked).body())).containsEntry("active", false);
		HttpResponse<String> refused = initialize(introspectingBase, "Bearer " + revoked);
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
			.contains("The access token is not active");
		assertThat(initialize("Bearer " + revoked).statusCode()).as("a JWT verified locally knows no revocation")
			.isEqualTo(200);
	}

	private static HttpResponse<String> introspect(String token) {
		return send(HttpRequest.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/token/introspect"))
			.header("Authorization", basic("mcp-introspector", "mcp-introspector-secret"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
	}

	private static String basic(String clientId, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes());
	}

	@Test
	void theStarterClientGetsTokensFromKeycloakWithBothAuthenticationMethods() {
		for (String registration : List.of("kc-basic", "kc-jwt")) {
			try (McpSyncClient client = mcpClient(registration)) {
				client.initialize();
				String whoami = text(client, "whoami");
				assertThat(whoami).as(registration).contains("audience=[" + base + "/mcp]").contains("mcp:tools");
			}
		}
		assertThat(clientJwks.requestsFor("/jwks")).as("Keycloak verified the client assertion with our JWK Set")
			.isPositive();
	}

	@Test
	void stepUpReachesAToolThatNeedsAnOptionalKeycloakScope() {
		try (McpSyncClient client = mcpClient("kc-basic")) {
			client.initialize();
			assertThat(text(client, "admin-report")).startsWith("admin report for").contains("mcp:admin");
		}
	}

	@Test
	void aKeycloakKeyRotationIsPickedUpWithoutRestart() throws Exception {
		String before = keycloakToken("mcp-basic", "mcp-basic-secret", null);
		assertThat(initialize("Bearer " + before).statusCode()).isEqualTo(200);
		String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

		rotateSigningKey();

		String after = keycloakToken("mcp-basic", "mcp-basic-secret", null);
		assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(oldKid);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(initialize("Bearer " + after).statusCode()).isEqualTo(200));
	}

	/** Adds a new active RSA key with a higher priority and removes the realm's original one (admin REST API). */
	private static void rotateSigningKey() throws Exception {
		String admin = adminToken();
		Map<String, Object> realm = json(send(HttpRequest.newBuilder(URI.create(keycloak.url() + "/admin/realms/mcp"))
			.header("Authorization", "Bearer " + admin)).body());
		String component = JSON.writeValueAsString(Map.of("name", "rsa-rotated", "providerId", "rsa-generated",
				"providerType", "org.keycloak.keys.KeyProvider", "parentId", realm.get("id"), "config",
				Map.of("priority", List.of("500"), "keySize", List.of("2048"), "active", List.of("true"), "enabled",
						List.of("true"), "algorithm", List.of("RS256"))));
		HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(keycloak.url() + "/admin/realms/mcp/components"))
			.header("Authorization", "Bearer " + admin)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(component)));
		assertThat(created.statusCode()).isEqualTo(201);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> providers = JSON.readValue(send(HttpRequest
			.newBuilder(URI.create(keycloak.url() + "/admin/realms/mcp/components?type=org.keycloak.keys.KeyProvider"))
			.header("Authorization", "Bearer " + admin)).body(), List.class);
		for (Map<String, Object> provider : providers) {
			if ("rsa-generated".equals(provider.get("providerId")) && !"rsa-rotated".equals(provider.get("name"))) {
				HttpResponse<String> deleted = send(HttpRequest
					.newBuilder(URI.create(keycloak.url() + "/admin/realms/mcp/components/" + provider.get("id")))
					.header("Authorization", "Bearer " + admin)
					.DELETE());
				assertThat(deleted.statusCode()).isEqualTo(204);
			}
		}
	}

	private McpSyncClient mcpClient(String registration) {
		McpOAuthClients clients = sample.getBean(McpOAuthClients.class);
		HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(base)
			.endpoint("/mcp");
		new McpSdkTransportAuthorization(clients.authorization(registration), clients.maxStepUps()).applyTo(transport);
		return McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(30)).build();
	}

	private static String text(McpSyncClient client, String tool) {
		return ((TextContent) client.callTool(new CallToolRequest(tool, Map.of())).content().get(0)).text();
	}

	private static HttpResponse<String> initialize(String authorization) {
		return initialize(base, authorization);
	}

	private static HttpResponse<String> initialize(String server, String authorization) {
		return send(HttpRequest.newBuilder(URI.create(server + "/mcp"))
			.header("Authorization", authorization)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
					+ "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")));
	}

	private static String keycloakToken(String clientId, String secret, String scope) {
		String form = "grant_type=client_credentials" + ((scope != null) ? "&scope=" + scope : "");
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/token"))
			.header("Authorization", basic(clientId, secret))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return (String) json(response.body()).get("access_token");
	}

	private static String adminToken() {
		HttpResponse<String> response = send(HttpRequest
			.newBuilder(URI.create(keycloak.url() + "/realms/master/protocol/openid-connect/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username="
					+ KeycloakServer.ADMIN + "&password=" + KeycloakServer.ADMIN)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return (String) json(response.body()).get("access_token");
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(String body) {
		return JSON.readValue(body, Map.class);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
