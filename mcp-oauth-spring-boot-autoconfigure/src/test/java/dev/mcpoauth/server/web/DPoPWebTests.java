package dev.mcpoauth.server.web;

import java.util.Date;

import java.net.URI;

import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;

import com.nimbusds.oauth2.sdk.id.JWTID;

import com.nimbusds.oauth2.sdk.dpop.DPoPUtils;

import com.nimbusds.jwt.SignedJWT;

import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import com.nimbusds.jose.jwk.RSAKey;

import com.nimbusds.jose.crypto.RSASSASigner;

import com.nimbusds.jose.JWSHeader;

import com.nimbusds.jose.JWSAlgorithm;

import com.nimbusds.jose.JOSEObjectType;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.mcpoauth.DPoPClient;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DPoP (RFC 9449) accepted beside bearer tokens, with tokens that Spring Authorization Server bound to the client's
 * key: each request with a fresh proof succeeds, the challenges name both schemes, the metadata says so, tool
 * scopes apply to DPoP requests in the DPoP scheme, and {@code htu} names the URL the resource identifier gives,
 * not one the request's headers choose. Refusals of forged and replayed proofs: {@link DPoPReplayAndForgeryTests}.
 */
class DPoPWebTests {

	static final String ALGS = "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512";

	static final String TOOL_CALL = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"admin-report\"}}";

	private static DPoPServer server;

	@BeforeAll
	static void start() {
		server = DPoPServer.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private String metadataUrl() {
		return server.url() + "/.well-known/oauth-protected-resource/mcp";
	}

	@Test
	void aTokenThatSpringAuthorizationServerBoundToTheClientsKeyIsAcceptedWithAFreshProofOnEachRequest() {
		DPoPClient client = new DPoPClient();
		String token = server.token(client, "mcp:tools");
		assertThat(claims(token).get("cnf")).isEqualTo(Map.of("jkt", client.thumbprint()));
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> response = server.dpop(token, client.proof("POST", server.mcp(), token));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("ok:{}");
		}
	}

	@Test
	void anRsaKeyWorksAsWellAsAnEcKey() {
		DPoPClient client = new DPoPClient(Jwts.rsa());
		String token = server.token(client, "mcp:tools");
		assertThat(server.dpop(token, client.proof("POST", server.mcp(), token)).statusCode()).isEqualTo(200);
	}

	@Test
	void bearerTokensStayAcceptedWhenDPoPIsNotRequired() {
		HttpResponse<String> response = server.post(server.mcp(), "{}", "Authorization",
				"Bearer " + server.bearerToken("mcp:tools"));
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void aRequestWithoutCredentialsIsChallengedForBothSchemesEachWithTheMetadata() {
		HttpResponse<String> response = server.post(server.mcp(), "{}");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(
				"Bearer resource_metadata=\"" + metadataUrl() + "\", scope=\"mcp:tools\"",
				"DPoP algs=\"" + ALGS + "\", resource_metadata=\"" + metadataUrl() + "\", scope=\"mcp:tools\"");
	}

	@Test
	void theMetadataAdvertisesTheProofAlgorithmsAndThatBearerTokensStayAccepted() {
		Map<String, Object> metadata = json(server.get(metadataUrl()).body());
		assertThat(metadata.get("dpop_signing_alg_values_supported")).isEqualTo(List.of(ALGS.split(" ")));
		assertThat(metadata.get("dpop_bound_access_tokens_required")).isEqualTo(false);
	}

	@Test
	void aToolCallWithADPoPTokenLackingTheToolsScopeGets403InTheDPoPScheme() {
		DPoPClient client = new DPoPClient();
		String narrow = server.token(client, "mcp:tools");
		HttpResponse<String> refused = server.post(server.mcp(), TOOL_CALL, "Authorization", "DPoP " + narrow, "DPoP",
				client.proof("POST", server.mcp(), narrow));
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.headers().allValues("WWW-Authenticate")).containsExactly("DPoP error=\"insufficient_scope\", "
				+ "error_description=\"The access token lacks a scope this request needs\", algs=\"" + ALGS
				+ "\", scope=\"mcp:tools mcp:admin\", resource_metadata=\"" + metadataUrl() + "\"");
		String wide = server.token(client, "mcp:tools mcp:admin");
		HttpResponse<String> allowed = server.post(server.mcp(), TOOL_CALL, "Authorization", "DPoP " + wide, "DPoP",
				client.proof("POST", server.mcp(), wide));
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.body()).isEqualTo("ok:" + TOOL_CALL);
	}

	@Test
	void aSubPathAndAQueryAreNamedAsTheRequestSpellsThemWithoutTheQuery() {
		DPoPClient client = new DPoPClient();
		String token = server.token(client, "mcp:tools");
		String sub = server.mcp() + "/message";
		assertThat(server.post(sub + "?page=2", "{}", "Authorization", "DPoP " + token, "DPoP",
				client.proof("POST", sub, token)).statusCode()).isEqualTo(200);
		assertThat(server.post(sub, "{}", "Authorization", "DPoP " + token, "DPoP",
				client.proof("POST", server.mcp(), token)).statusCode()).as("a proof for another path").isEqualTo(401);
	}

	@Test
	void htuIsTheConfiguredResourcesUrlWhateverTheHostHeaderSays() {
		DPoPClient client = new DPoPClient();
		String token = server.token(client, "mcp:tools");
		String forged = raw(server.port(), "evil.example", token, client.proof("POST", "http://evil.example/mcp", token));
		assertThat(RawHttp.status(forged)).isEqualTo(401);
		assertThat(forged).contains("WWW-Authenticate: DPoP error=\"invalid_dpop_proof\"");
		String configured = raw(server.port(), "evil.example", token, client.proof("POST", server.mcp(), token));
		assertThat(RawHttp.status(configured)).isEqualTo(200);
	}

	@Test
	void withoutAConfiguredResourceTheStartUpStopsForTheHostHeaderWouldChooseHtu() {
		for (String audiences : new String[] { "mcp.oauth.server.audiences=", "mcp.oauth.server.audiences=dpop-client" }) {
			assertThatThrownBy(() -> DPoPServer.start("mcp.oauth.server.resource=", audiences).close())
				.as(audiences)
				.rootCause()
				.hasMessageContaining("mcp.oauth.server.resource")
				.hasMessageContaining("htu");
		}
	}

	@Test
	void requiredRefusesBearerTokensWithOnlyADPoPChallengeAndSaysSoInTheMetadata() {
		try (DPoPServer required = DPoPServer.start("mcp.oauth.server.dpop.enabled=false",
				"mcp.oauth.server.dpop.required=true", "mcp.oauth.server.dpop.algorithms=ES256")) {
			String metadata = required.url() + "/.well-known/oauth-protected-resource/mcp";
			HttpResponse<String> bearer = required.post(required.mcp(), "{}", "Authorization",
					"Bearer " + required.bearerToken("mcp:tools"));
			assertThat(bearer.statusCode()).isEqualTo(401);
			assertThat(bearer.headers().allValues("WWW-Authenticate")).containsExactly("DPoP error=\"invalid_token\", "
					+ "error_description=\"This resource accepts DPoP-bound access tokens only, with the DPoP scheme "
					+ "and a proof\", algs=\"ES256\", resource_metadata=\"" + metadata + "\", scope=\"mcp:tools\"");
			assertThat(required.post(required.mcp(), "{}").headers().allValues("WWW-Authenticate"))
				.containsExactly("DPoP algs=\"ES256\", resource_metadata=\"" + metadata + "\", scope=\"mcp:tools\"");
			Map<String, Object> document = json(required.get(metadata).body());
			assertThat(document).containsEntry("dpop_bound_access_tokens_required", true)
				.containsEntry("dpop_signing_alg_values_supported", List.of("ES256"));
			DPoPClient client = new DPoPClient();
			String token = required.token(client, "mcp:tools");
			assertThat(required.dpop(token, client.proof("POST", required.mcp(), token)).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void withNoncesAProofMustCarryTheServersCurrentNonce() {
		try (DPoPServer nonces = DPoPServer.start("mcp.oauth.server.dpop.nonce.enabled=true")) {
			DPoPClient client = new DPoPClient();
			String token = nonces.token(client, "mcp:tools");
			HttpResponse<String> first = nonces.dpop(token, client.proof("POST", nonces.mcp(), token));
			assertThat(first.statusCode()).isEqualTo(401);
			assertThat(first.headers().allValues("WWW-Authenticate").get(0))
				.startsWith("DPoP error=\"use_dpop_nonce\", error_description=");
			String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
			HttpResponse<String> retried = nonces.dpop(token, client.proof("POST", nonces.mcp(), token, nonce));
			assertThat(retried.statusCode()).isEqualTo(200);
			assertThat(retried.headers().firstValue("DPoP-Nonce")).hasValue(nonce);
			HttpResponse<String> madeUp = nonces.dpop(token, client.proof("POST", nonces.mcp(), token, "made-up"));
			assertThat(madeUp.statusCode()).isEqualTo(401);
			assertThat(madeUp.headers().allValues("WWW-Authenticate").get(0)).startsWith("DPoP error=\"use_dpop_nonce\"");
		}
	}

	@Test
	void withDPoPOffABoundTokenIsStillNoBearerTokenAndTheChallengesStayBearerOnly() {
		try (DPoPServer off = DPoPServer.start("mcp.oauth.server.dpop.enabled=")) {
			String metadata = off.url() + "/.well-known/oauth-protected-resource/mcp";
			DPoPClient client = new DPoPClient();
			String token = off.token(client, "mcp:tools");
			HttpResponse<String> asBearer = off.post(off.mcp(), "{}", "Authorization", "Bearer " + token);
			assertThat(asBearer.statusCode()).isEqualTo(401);
			assertThat(asBearer.headers().allValues("WWW-Authenticate")).containsExactly("Bearer error=\"invalid_token\", "
					+ "error_description=\"The access token is sender-constrained (cnf) and is not accepted as a bearer token\", resource_metadata=\"" + metadata + "\", scope=\"mcp:tools\"");
			HttpResponse<String> asDPoP = off.dpop(token, client.proof("POST", off.mcp(), token));
			assertThat(asDPoP.statusCode()).isEqualTo(401);
			assertThat(asDPoP.headers().allValues("WWW-Authenticate"))
				.containsExactly("Bearer resource_metadata=\"" + metadata + "\", scope=\"mcp:tools\"");
			assertThat(json(off.get(metadata).body())).doesNotContainKeys("dpop_signing_alg_values_supported",
					"dpop_bound_access_tokens_required");
		}
	}

	/** A POST over a socket, with the Host header as given. */
	private static String raw(int port, String host, String token, String proof) {
		return RawHttp.send(port, "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: DPoP " + token
				+ "\r\nDPoP: " + proof + "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n",
				"{}".getBytes(StandardCharsets.US_ASCII));
	}

	static Map<String, Object> claims(String jwt) {
		return json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> json(String json) {
		return JsonMapper.builder().build().readValue(json, Map.class);
	}


	/** Break-it review: a token bound to a 512-bit RSA key (factored in hours) is not usable here. */
	@Test
	void aProofSignedWithA512BitRsaKeyIsRefused() throws Exception {
		try (DPoPServer server = DPoPServer.start()) {
			RSAKey weak = new RSAKeyGenerator(512, true).generate();
			String token = DPoPClient.tokenRequest(server.tokenUri(), DPoPServer.CLIENT_ID, "dpop-secret", "mcp:tools",
					weakProof(weak, server.tokenUri(), null)).accessToken("DPoP");
			HttpResponse<String> response = server.dpop(token, weakProof(weak, server.mcp(), token));
			assertThat(response.statusCode()).as("a proof of a 512-bit RSA key").isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("The DPoP proof's key is not accepted");
		}
	}

	private static String weakProof(RSAKey key, String url, String token) throws Exception {
		SignedJWT proof = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("dpop+jwt"))
					.jwk(key.toPublicJWK())
					.build(),
				DPoPUtils.createJWTClaimsSet(new JWTID(), "POST", URI.create(url), new Date(),
						(token != null) ? new DPoPAccessToken(token) : null));
		proof.sign(new RSASSASigner(key.toPrivateKey(), true));
		return proof.serialize();
	}

}
