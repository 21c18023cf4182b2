package dev.mcpoauth.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.transport.McpOAuthClientHttpRequestInterceptor;
import dev.mcpoauth.client.transport.McpOAuthExchangeFilterFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * DPoP on the client side ({@code dpop.enabled}) against two loopback servers, an authorization server and an MCP
 * server on another origin, both of which check the proofs they receive with Nimbus: a proof on each token request
 * and each MCP request, nonces handed out by one server never shown to the other, one retry per nonce challenge,
 * and the refusals (a bearer token when DPoP was asked, an authorization server error, a malformed or repeated
 * nonce).
 */
class ClientDPoPTests {

	private final StubHttpServer as = new StubHttpServer();

	private final StubHttpServer mcp = new StubHttpServer();

	private final List<String> issued = new ArrayList<>();

	@AfterEach
	void stop() {
		this.as.close();
		this.mcp.close();
	}

	private ApplicationContextRunner runner(String... more) {
		List<String> properties = new ArrayList<>(List.of(
				"mcp.oauth.client.registrations.s.server-url=" + this.mcp.url() + "/mcp",
				"mcp.oauth.client.registrations.s.token-uri=" + this.as.url() + "/token",
				"mcp.oauth.client.registrations.s.issuer-uri=" + this.as.url(),
				"mcp.oauth.client.registrations.s.client-id=client-1",
				"mcp.oauth.client.registrations.s.client-secret=s3cret",
				"mcp.oauth.client.registrations.s.dpop.enabled=true"));
		properties.addAll(List.of(more));
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
	}

	private void withAuthorization(Consumer<McpAuthorization> test, String... properties) {
		runner(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
		});
	}

	/** The token endpoint: a DPoP-bound token for a valid proof (nonce {@code requiredNonce} when not null). */
	private void tokenEndpoint(String requiredNonce, String tokenType) {
		this.as.handle("/token", (request) -> {
			JWTClaimsSet proof = verifiedProof(request, "POST", this.as.url() + "/token", null);
			if (requiredNonce != null && !requiredNonce.equals(proof.getClaim("nonce"))) {
				return new Response(400, "{\"error\":\"use_dpop_nonce\"}", Map.of("DPoP-Nonce", requiredNonce));
			}
			String token = "at-" + UUID.randomUUID();
			this.issued.add(token);
			return Response.json("{\"access_token\":\"" + token + "\",\"token_type\":\"" + tokenType
					+ "\",\"expires_in\":300}");
		});
	}

	/** The MCP endpoint: 200 for an issued token with a valid proof carrying {@code requiredNonce} (if any). */
	private void mcpEndpoint(String requiredNonce) {
		this.mcp.handle("/mcp", (request) -> {
			String authorization = request.header("Authorization");
			if (authorization == null || !authorization.startsWith("DPoP ")) {
				return new Response(401, "", Map.of("WWW-Authenticate", "DPoP algs=\"ES256\""));
			}
			String token = authorization.substring(5);
			JWTClaimsSet proof = verifiedProof(request, "POST", this.mcp.url() + "/mcp", token);
			if (requiredNonce != null && !requiredNonce.equals(proof.getClaim("nonce"))) {
				return new Response(401, "", Map.of("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"",
						"DPoP-Nonce", requiredNonce));
			}
			return this.issued.contains(token) ? Response.json("{}") : new Response(401, "", Map.of());
		});
	}

	private int call(McpAuthorization authorization) {
		return RestClient.builder()
			.requestInterceptor(new McpOAuthClientHttpRequestInterceptor(authorization, 2))
			.build()
			.post()
			.uri(this.mcp.url() + "/mcp?x=1")
			.body("{}")
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toBodilessEntity()
			.getStatusCode()
			.value();
	}

	@Test
	void aDPoPBoundTokenIsRequestedWithAProofAndPresentedWithAFreshProofPerRequest() {
		tokenEndpoint(null, "DPoP");
		mcpEndpoint(null);
		withAuthorization((authorization) -> {
			assertThat(call(authorization)).isEqualTo(200);
			assertThat(call(authorization)).isEqualTo(200);
			assertThat(this.as.requestsTo("/token")).hasSize(1);
			List<Request> calls = this.mcp.requestsTo("/mcp");
			assertThat(calls).hasSize(2);
			assertThat(calls).extracting((request) -> request.header("Authorization"))
				.containsOnly("DPoP " + this.issued.get(0));
			List<SignedJWT> proofs = calls.stream().map((request) -> parse(request.header("DPoP"))).toList();
			assertThat(proofs).extracting((proof) -> claims(proof).getJWTID()).doesNotHaveDuplicates();
			JWK tokenRequestKey = parse(this.as.requestsTo("/token").get(0).header("DPoP")).getHeader().getJWK();
			assertThat(proofs).extracting((proof) -> proof.getHeader().getJWK()).containsOnly(tokenRequestKey);
			assertThat(tokenRequestKey.isPrivate()).isFalse();
			assertThat(proofs.get(0).getHeader().getAlgorithm().getName()).isEqualTo("ES256");
		});
	}

	@Test
	void eachServersNonceIsUsedOnlyForItsOwnOriginWithOneRetryEach() {
		tokenEndpoint("as-nonce", "DPoP");
		mcpEndpoint("rs-nonce");
		withAuthorization((authorization) -> {
			assertThat(call(authorization)).isEqualTo(200);
			assertThat(call(authorization)).isEqualTo(200);
			assertThat(nonces(this.as.requestsTo("/token"))).containsExactly("(none)", "as-nonce");
			assertThat(nonces(this.mcp.requestsTo("/mcp"))).containsExactly("(none)", "rs-nonce", "rs-nonce");
		});
	}

	@Test
	void theWebClientFilterPresentsTheBoundTokenWithAProofAndTheNonce() {
		tokenEndpoint(null, "DPoP");
		mcpEndpoint("rs-nonce");
		withAuthorization((authorization) -> {
			int status = WebClient.builder()
				.filter(new McpOAuthExchangeFilterFunction(authorization, 2))
				.build()
				.post()
				.uri(this.mcp.url() + "/mcp")
				.bodyValue("{}")
				.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
				.block(Duration.ofSeconds(10));
			assertThat(status).isEqualTo(200);
			assertThat(nonces(this.mcp.requestsTo("/mcp"))).containsExactly("(none)", "rs-nonce");
		});
	}

	@Test
	void aServerThatRefusesTheNonceItHandedOutGetsNoFurtherRetry() {
		tokenEndpoint(null, "DPoP");
		this.mcp.handle("/mcp", (request) -> new Response(401, "",
				Map.of("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"", "DPoP-Nonce", "always-the-same")));
		withAuthorization((authorization) -> {
			assertThat(call(authorization)).isEqualTo(401);
			assertThat(nonces(this.mcp.requestsTo("/mcp"))).containsExactly("(none)", "always-the-same");
		});
	}

	@Test
	void aMalformedOrOversizedNonceIsIgnoredAndNotRetried() {
		tokenEndpoint(null, "DPoP");
		for (String nonce : List.of("has space", "x".repeat(600), "quote\"d")) {
			this.mcp.handle("/mcp", (request) -> new Response(401, "",
					Map.of("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"", "DPoP-Nonce", nonce)));
			withAuthorization((authorization) -> {
				int before = this.mcp.requestsTo("/mcp").size();
				assertThat(call(authorization)).isEqualTo(401);
				List<Request> sent = this.mcp.requestsTo("/mcp");
				assertThat(sent).hasSize(before + 1);
				assertThat(nonces(sent.subList(before, sent.size()))).containsOnly("(none)");
			});
		}
	}

	@Test
	void aTokenEndpointThatKeepsAskingForANewNonceGetsOneRetry() {
		this.as.handle("/token", (request) -> new Response(400, "{\"error\":\"use_dpop_nonce\"}",
				Map.of("DPoP-Nonce", "n-" + UUID.randomUUID())));
		withAuthorization((authorization) -> {
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> {
					assertThat(ex.getError()).isEqualTo("use_dpop_nonce");
					assertThat(ex.getHttpStatus()).isEqualTo(400);
				});
			assertThat(this.as.requestsTo("/token")).hasSize(2);
		});
	}

	@Test
	void aBearerTokenIsRefusedWhenADPoPBoundTokenWasAskedFor() {
		tokenEndpoint(null, "Bearer");
		mcpEndpoint(null);
		withAuthorization((authorization) -> {
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> {
					assertThat(ex.getError()).isEqualTo("invalid_token_type");
					assertThat(ex.getErrorDescription()).contains("'Bearer'").contains("RFC 9449");
					assertThat(ex.getMessage()).doesNotContain(this.issued.get(0));
				});
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization))
				.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("invalid_token_type"));
			assertThat(this.mcp.requestsTo("/mcp")).isEmpty();
		});
	}

	@Test
	void anAuthorizationServerErrorReachesTheCallerAsTheTypedException() {
		this.as.handle("/token", (request) -> new Response(400,
				"{\"error\":\"invalid_dpop_proof\",\"error_description\":\"Bad proof\"}", Map.of()));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_dpop_proof");
				assertThat(ex.getErrorDescription()).isEqualTo("Bad proof");
				assertThat(ex.getHttpStatus()).isEqualTo(400);
			}));
		assertThat(this.as.requestsTo("/token")).hasSize(1);
	}

	@Test
	void theProofAlgorithmIsConfigurableAndTheKeyStaysInMemory() {
		tokenEndpoint(null, "DPoP");
		withAuthorization((authorization) -> {
			authorization.accessToken();
			SignedJWT proof = parse(this.as.requestsTo("/token").get(0).header("DPoP"));
			assertThat(proof.getHeader().getAlgorithm().getName()).isEqualTo("PS256");
			assertThat(proof.getHeader().getJWK().isPrivate()).isFalse();
			assertThat(authorization.toString()).doesNotContain("PRIVATE");
		}, "mcp.oauth.client.registrations.s.dpop.algorithm=PS256");
	}

	@Test
	void anUnknownProofAlgorithmFailsAtStartUpNamingTheProperty() {
		runner("mcp.oauth.client.registrations.s.dpop.algorithm=HS256").run((context) -> assertThat(context)
			.getFailure()
			.rootCause()
			.hasMessageContaining("mcp.oauth.client.registrations.s.dpop.algorithm")
			.hasMessageContaining("ES256"));
	}

	@Test
	void credentialsNeverPrintTheirValues() {
		RequestCredentials credentials = new RequestCredentials("DPoP secret-token", "secret.proof.value");
		assertThat(credentials.toString()).doesNotContain("secret");
	}

	/** The proof of a request, checked as a server checks it; the claims. */
	private static JWTClaimsSet verifiedProof(Request request, String method, String htu, String token) {
		SignedJWT proof = parse(request.header("DPoP"));
		try {
			assertThat(proof.getHeader().getType()).isEqualTo(new JOSEObjectType("dpop+jwt"));
			JWK key = proof.getHeader().getJWK();
			assertThat(key.isPrivate()).isFalse();
			assertThat(proof.verify(new DefaultJWSVerifierFactory().createJWSVerifier(proof.getHeader(),
					key.getKeyType().getValue().equals("EC") ? key.toECKey().toPublicKey()
							: key.toRSAKey().toPublicKey())))
				.isTrue();
			JWTClaimsSet claims = proof.getJWTClaimsSet();
			assertThat(claims.getStringClaim("htm")).isEqualTo(method);
			assertThat(claims.getStringClaim("htu")).isEqualTo(htu);
			assertThat(claims.getJWTID()).isNotBlank();
			assertThat(claims.getIssueTime()).isNotNull();
			assertThat(claims.getStringClaim("ath")).isEqualTo((token != null) ? ath(token) : null);
			return claims;
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	private static String ath(String token) throws Exception {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
	}

	private static List<String> nonces(List<Request> requests) {
		return requests.stream().map((request) -> {
			Object nonce = claims(parse(request.header("DPoP"))).getClaim("nonce");
			return (nonce != null) ? nonce.toString() : "(none)";
		}).toList();
	}

	private static SignedJWT parse(String proof) {
		try {
			return SignedJWT.parse(proof);
		}
		catch (Exception ex) {
			throw new AssertionError("not a JWS: " + proof, ex);
		}
	}

	private static JWTClaimsSet claims(SignedJWT jwt) {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

}
