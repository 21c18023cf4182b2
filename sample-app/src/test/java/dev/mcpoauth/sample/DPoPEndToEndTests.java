package dev.mcpoauth.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.mcpoauth.DPoPClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with DPoP switched on ({@code mcp.oauth.server.dpop.enabled}), over raw HTTP: its embedded
 * authorization server binds the token to the client's key when the token request carries a DPoP proof, and the MCP
 * server takes that token with a fresh proof on every request (initialize, notification, tool call) and refuses a
 * proof used twice, the token as a bearer token, a tool the token has no scope for, and the session for another
 * subject.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = "mcp.oauth.server.dpop.enabled=true")
class DPoPEndToEndTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	static final String MCP = BASE + "/mcp";

	static final String METADATA_URL = BASE + "/.well-known/oauth-protected-resource/mcp";

	static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	JWKSource<SecurityContext> authorizationServerKeys;

	private final DPoPClient client = new DPoPClient();

	private String token(String scope) {
		return this.client.clientCredentials(BASE + "/oauth2/token", "sample-client", "sample-secret", scope)
			.accessToken("DPoP");
	}

	@Test
	void aToolCallWithAFreshProofOnEachRequestSucceedsAndTheSameProofReplayedIsRefused() {
		String token = token("mcp:tools");
		assertThat(payload(token).get("cnf")).isEqualTo(Map.of("jkt", this.client.thumbprint()));
		HttpResponse<String> initialize = send(this.client, token, null, Http.INITIALIZE);
		assertThat(initialize.statusCode()).isEqualTo(200);
		String session = initialize.headers().firstValue("Mcp-Session-Id").orElseThrow();
		assertThat(send(this.client, token, session, INITIALIZED).statusCode()).isEqualTo(202);
		String proof = this.client.proof("POST", MCP, token);
		HttpResponse<String> call = send(token, session, proof, toolCall("whoami"));
		assertThat(call.statusCode()).isEqualTo(200);
		assertThat(call.body()).contains("subject=sample-client audience=[" + MCP + "] scopes=mcp:tools");
		HttpResponse<String> replayed = send(token, session, proof, toolCall("whoami"));
		assertThat(replayed.statusCode()).isEqualTo(401);
		assertThat(replayed.headers().allValues("WWW-Authenticate").get(0))
			.startsWith("DPoP error=\"invalid_dpop_proof\", error_description=\"jti claim is invalid or unable to cache.\"")
			.contains("algs=\"ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512\"")
			.contains("resource_metadata=\"" + METADATA_URL + "\"");
	}

	@Test
	void aToolTheTokenHasNoScopeForIsRefusedInTheDPoPScheme() {
		String token = token("mcp:tools");
		HttpResponse<String> initialize = send(this.client, token, null, Http.INITIALIZE);
		String session = initialize.headers().firstValue("Mcp-Session-Id").orElseThrow();
		HttpResponse<String> refused = send(this.client, token, session, toolCall("admin-report"));
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.headers().allValues("WWW-Authenticate")).singleElement()
			.asString()
			.startsWith("DPoP error=\"insufficient_scope\"")
			.contains("scope=\"mcp:tools mcp:admin\"");
	}

	@Test
	void theBoundTokenIsRefusedAsABearerToken() {
		HttpResponse<String> response = Http.initialize(MCP, "Bearer " + token("mcp:tools"));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(
				"Bearer error=\"invalid_token\", error_description=\"The access token is sender-constrained (cnf) and is not accepted as a bearer token\", resource_metadata=\""
						+ METADATA_URL + "\", scope=\"mcp:tools\"",
				"DPoP algs=\"ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512\", resource_metadata=\""
						+ METADATA_URL + "\", scope=\"mcp:tools\"");
	}

	@Test
	void aSessionOpenedWithADPoPTokenServesNoOtherSubject() {
		String token = token("mcp:tools");
		String session = send(this.client, token, null, Http.INITIALIZE).headers()
			.firstValue("Mcp-Session-Id")
			.orElseThrow();
		DPoPClient intruder = new DPoPClient();
		String intruderToken = new TestTokens(BASE, MCP).sign(TestTokens.signingKey(this.authorizationServerKeys),
				(claims) -> claims.subject("intruder").claim("cnf", Map.of("jkt", intruder.thumbprint())));
		assertThat(send(intruder, intruderToken, null, Http.INITIALIZE).statusCode()).as("the intruder's token is good")
			.isEqualTo(200);
		assertThat(send(intruder, intruderToken, session, toolCall("whoami")).statusCode()).isEqualTo(404);
	}

	@Test
	void theMetadataAdvertisesDPoP() {
		Map<String, Object> metadata = Http.json(Http.get(METADATA_URL).body());
		assertThat(metadata).containsEntry("dpop_bound_access_tokens_required", false)
			.containsKey("dpop_signing_alg_values_supported");
	}

	private static HttpResponse<String> send(DPoPClient client, String token, String session, String body) {
		return send(token, session, client.proof("POST", MCP, token), body);
	}

	private static HttpResponse<String> send(String token, String session, String proof, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(MCP))
			.header("Authorization", "DPoP " + token)
			.header("DPoP", proof)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (session != null) {
			request.header("Mcp-Session-Id", session);
		}
		return Http.send(request);
	}

	private static String toolCall(String tool) {
		return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
				+ "\",\"arguments\":{}}}";
	}

	private static Map<String, Object> payload(String jwt) {
		return Http.json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
	}

}
