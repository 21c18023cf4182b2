package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.dpop.DPoPUtils;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.mcpoauth.DPoPClient;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a DPoP request can be forged or replayed, against tokens that Spring Authorization Server bound to a
 * client's key: each is refused with 401 and a {@code DPoP} challenge ({@code invalid_dpop_proof}, or
 * {@code invalid_token} where RFC 9449 says the token is at fault), and the {@code Bearer} challenge after it. The
 * endpoint accepts proofs signed ES256 and PS256 only.
 */
@ExtendWith(OutputCaptureExtension.class)
class DPoPReplayAndForgeryTests {

	private static DPoPServer server;

	private final DPoPClient client = new DPoPClient();

	private String token;

	@BeforeAll
	static void start() {
		server = DPoPServer.start("mcp.oauth.server.dpop.algorithms=ES256,PS256", "logging.level.dev.mcpoauth=DEBUG");
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@BeforeEach
	void token() {
		this.token = server.token(this.client, "mcp:tools");
	}

	private String proof() {
		return this.client.proof("POST", server.mcp(), this.token);
	}

	@Test
	void theRealThingIsAccepted() {
		assertThat(server.dpop(this.token, proof()).statusCode()).isEqualTo(200);
	}

	@Test
	void aDPoPBoundTokenSentAsABearerTokenIsRefused() {
		HttpResponse<String> response = server.post(server.mcp(), "{}", "Authorization", "Bearer " + this.token);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(
				"Bearer error=\"invalid_token\", error_description=\"The access token is sender-constrained (cnf) and is not accepted as a bearer token\", resource_metadata=\""
						+ metadataUrl() + "\", scope=\"mcp:tools\"",
				"DPoP algs=\"ES256 PS256\", resource_metadata=\"" + metadataUrl() + "\", scope=\"mcp:tools\"");
	}

	@Test
	void theDPoPSchemeWithoutAProofIsRefused() {
		assertRefused(server.dpop(this.token), "invalid_dpop_proof", "The request has no DPoP proof (DPoP header)");
	}

	@Test
	void twoProofsAreRefusedEvenIfBothAreGood() {
		assertRefused(server.dpop(this.token, proof(), proof()), "invalid_dpop_proof",
				"Send exactly one DPoP proof (DPoP header)");
	}

	@Test
	void aProofWhoseSignatureDoesNotVerifyIsRefused() {
		assertRefused(server.dpop(this.token, Jwts.tampered(proof())), "invalid_dpop_proof", UNREADABLE);
	}

	@Test
	void aProofForAnotherMethodIsRefused() {
		assertRefused(server.dpop(this.token, this.client.proof("GET", server.mcp(), this.token)), "invalid_dpop_proof",
				"The htm claim is not valid");
	}

	@Test
	void aProofForAnotherUrlIsRefused() throws Exception {
		String port = ":" + server.port();
		for (String url : new String[] { "http://127.0.0.1" + port + "/mcp", "https://localhost" + port + "/mcp",
				"http://localhost" + port + "/mcp/other", "http://localhost" + port + "/",
				"http://evil.example/mcp" }) {
			assertRefused(server.dpop(this.token, this.client.proof("POST", url, this.token)), "invalid_dpop_proof",
					"The htu claim is not valid");
		}
		Map<String, Object> withQuery = claims(this.token);
		withQuery.put("htu", server.mcp() + "?x=1");
		ECKey key = (ECKey) this.client.key();
		assertRefused(server.dpop(this.token, handMade(header("ES256", "dpop+jwt", key.toPublicJWK()), withQuery,
				new ECDSASigner(key))), "invalid_dpop_proof", "The htu claim is not valid");
	}

	@Test
	void theProofSentToTheTokenEndpointIsRefusedAtTheResource() {
		assertRefused(server.dpop(this.token, this.client.proof("POST", server.tokenUri())), "invalid_dpop_proof",
				"The htu claim is not valid");
	}

	@Test
	void aProofIssuedOutsideTheWindowIsRefused() {
		for (Instant issuedAt : new Instant[] { Instant.now().minusSeconds(90), Instant.now().plusSeconds(90) }) {
			assertRefused(server.dpop(this.token, this.client.proof("POST", server.mcp(), this.token, null, issuedAt)),
					"invalid_dpop_proof", "iat claim is invalid.");
		}
		assertThat(server.dpop(this.token,
				this.client.proof("POST", server.mcp(), this.token, null, Instant.now().minusSeconds(30)))
			.statusCode()).as("inside the window").isEqualTo(200);
	}

	@Test
	void aReplayedProofIsRefused() {
		String proof = proof();
		assertThat(server.dpop(this.token, proof).statusCode()).isEqualTo(200);
		assertRefused(server.dpop(this.token, proof), "invalid_dpop_proof", "jti claim is invalid or unable to cache.");
	}

	@Test
	void aProofWithoutTheTokensHashOrWithAnotherTokensIsRefused() {
		assertRefused(server.dpop(this.token, this.client.proof("POST", server.mcp())), "invalid_dpop_proof",
				"ath claim is required.");
		String other = server.token(this.client, "mcp:tools mcp:admin");
		assertRefused(server.dpop(this.token, this.client.proof("POST", server.mcp(), other)), "invalid_dpop_proof",
				"ath claim is invalid.");
	}

	@Test
	void aStolenTokenWithAProofOfTheThiefsKeyIsRefusedAsAnInvalidKeyBinding() {
		DPoPClient thief = new DPoPClient();
		assertRefused(server.dpop(this.token, thief.proof("POST", server.mcp(), this.token)), "invalid_token",
				"Invalid DPoP key binding");
	}

	@Test
	void aProofCarryingAPrivateKeyIsRefused() throws Exception {
		ECKey key = (ECKey) this.client.key();
		String proof = handMade(header("ES256", "dpop+jwt", key), claims(this.token), new ECDSASigner(key));
		assertRefused(server.dpop(this.token, proof), "invalid_dpop_proof", UNREADABLE);
	}

	@Test
	void unsignedAndHmacProofsAreRefused() throws Exception {
		Map<String, Object> claims = claims(this.token);
		JWK publicKey = this.client.key().toPublicJWK();
		String none = base64(header("none", "dpop+jwt", publicKey)) + "." + base64(claims) + ".";
		assertRefused(server.dpop(this.token, none), "invalid_dpop_proof", UNREADABLE);
		String hmac = handMade(header("HS256", "dpop+jwt", publicKey), claims,
				new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
		assertRefused(server.dpop(this.token, hmac), "invalid_dpop_proof", "The DPoP proof's algorithm is not accepted");
	}

	@Test
	void aProofOfAnAlgorithmTheEndpointDoesNotAcceptIsRefused() {
		DPoPClient rsa = new DPoPClient(Jwts.rsa());
		String rsaToken = server.token(rsa, "mcp:tools");
		assertRefused(server.dpop(rsaToken, rsa.proof("POST", server.mcp(), rsaToken)), "invalid_dpop_proof",
				"The DPoP proof's algorithm is not accepted");
	}

	@Test
	void aProofOfAnotherTypeIsRefused() throws Exception {
		ECKey key = (ECKey) this.client.key();
		String proof = handMade(header("ES256", "JWT", key.toPublicJWK()), claims(this.token), new ECDSASigner(key));
		assertRefused(server.dpop(this.token, proof), "invalid_dpop_proof", UNREADABLE);
	}

	@Test
	void aTokenThatIsNotDPoPBoundIsRefusedUnderTheDPoPScheme() {
		String bearer = server.bearerToken("mcp:tools");
		assertRefused(server.dpop(bearer, this.client.proof("POST", server.mcp(), bearer)), "invalid_token",
				"The access token is not DPoP-bound (no cnf.jkt)");
	}

	@Test
	void anInvalidAccessTokenUnderTheDPoPSchemeIsRefusedAsInvalidToken() {
		String forged = Jwts.tampered(this.token);
		assertRefused(server.dpop(forged, this.client.proof("POST", server.mcp(), forged)), "invalid_token",
				"The access token is malformed, or its signature or algorithm is not accepted");
	}

	@Test
	void refusalsAreLoggedWithTheirReasonAndNeverWithTheTokenOrTheProof(CapturedOutput output) {
		String replayed = proof();
		server.dpop(this.token, replayed);
		server.dpop(this.token, replayed);
		String thiefs = new DPoPClient().proof("POST", server.mcp(), this.token);
		server.dpop(this.token, thiefs);
		assertThat(output).contains("DPoP request refused: invalid_dpop_proof, jti claim is invalid or unable to cache.")
			.contains("DPoP request refused: invalid_token, Invalid DPoP key binding")
			.doesNotContain(this.token.substring(this.token.lastIndexOf('.') + 1))
			.doesNotContain(replayed.substring(replayed.lastIndexOf('.') + 1))
			.doesNotContain(thiefs.substring(thiefs.lastIndexOf('.') + 1));
	}

	private static final String UNREADABLE = "The DPoP proof is malformed, or its type, key or algorithm is not "
			+ "accepted, or its signature does not verify";

	private static String metadataUrl() {
		return server.url() + "/.well-known/oauth-protected-resource/mcp";
	}

	private static void assertRefused(HttpResponse<String> response, String error, String description) {
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(
				"DPoP error=\"" + error + "\", error_description=\"" + description + "\", algs=\"ES256 PS256\", "
						+ "resource_metadata=\"" + metadataUrl() + "\", scope=\"mcp:tools\"",
				"Bearer resource_metadata=\"" + metadataUrl() + "\", scope=\"mcp:tools\"");
	}

	private static Map<String, Object> header(String algorithm, String type, JWK jwk) {
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("typ", type);
		header.put("alg", algorithm);
		header.put("jwk", jwk.toJSONObject());
		return header;
	}

	/** The claims of a good proof for the token (htm, htu, iat, a fresh jti, ath), by Nimbus. */
	private static Map<String, Object> claims(String token) {
		try {
			return DPoPUtils.createJWTClaimsSet(new JWTID(), "POST", URI.create(server.mcp()), new Date(),
					new DPoPAccessToken(token)).toJSONObject();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A JWS with the header and claims exactly as given (Nimbus's header builder refuses some of them, such as a
	 * private key), signed by the signer over the usual signing input.
	 */
	private static String handMade(Map<String, Object> header, Map<String, Object> claims, JWSSigner signer) {
		try {
			String signingInput = base64(header) + "." + base64(claims);
			Base64URL signature = signer.sign(new JWSHeader(JWSAlgorithm.parse((String) header.get("alg"))),
					signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + signature;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base64(Map<String, Object> json) {
		return Base64URL.encode(JSONObjectUtils.toJSONString(json)).toString();
	}

}
