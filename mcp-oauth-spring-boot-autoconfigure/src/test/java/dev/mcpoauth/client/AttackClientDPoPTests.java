package dev.mcpoauth.client;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.transport.McpOAuthClientHttpRequestInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reviewer's attacks on the client-dpop merge: a hostile MCP server (or authorization server) on loopback, the
 * client configured as a real application would configure it. Each test asserts what the change promises; a failing
 * test is a finding.
 */
@ExtendWith(OutputCaptureExtension.class)
class AttackClientDPoPTests {

	private final StubHttpServer as = new StubHttpServer();

	private final StubHttpServer mcp = new StubHttpServer();

	private final List<String> issued = new ArrayList<>();

	@TempDir
	Path temp;

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

	private void dpopTokens() {
		this.as.handle("/token", (request) -> {
			String token = "at-" + UUID.randomUUID();
			this.issued.add(token);
			return Response.json("{\"access_token\":\"" + token + "\",\"token_type\":\"DPoP\",\"expires_in\":300}");
		});
	}

	private int call(McpAuthorization authorization) {
		return RestClient.builder()
			.requestInterceptor(new McpOAuthClientHttpRequestInterceptor(authorization, 2))
			.build()
			.post()
			.uri(this.mcp.url() + "/mcp")
			.body("{}")
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toBodilessEntity()
			.getStatusCode()
			.value();
	}

	private static Response nonceChallenge(String nonce) {
		return new Response(401, "", Map.of("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"", "DPoP-Nonce", nonce));
	}

	/**
	 * README: a 401 {@code use_dpop_nonce} "gets one retry whose proof carries the nonce". A server that hands out a
	 * new nonce with every refusal gets a retry for each, up to the transport's whole replay budget (1 + max-step-ups):
	 * four requests per call instead of two.
	 */
	@Test
	void aServerRotatingItsNonceGetsOneNonceRetryPerCall() {
		dpopTokens();
		this.mcp.handle("/mcp", (request) -> nonceChallenge("n-" + UUID.randomUUID()));
		withAuthorization((authorization) -> {
			assertThat(call(authorization)).isEqualTo(401);
			assertThat(this.mcp.requestsTo("/mcp")).as("requests of one call to a server rotating its nonce")
				.hasSizeLessThanOrEqualTo(2);
		}, "mcp.oauth.client.registrations.s.client-secret=s3cret");
	}

	/**
	 * McpAuthorization: "a call replays at most once after a 401 however many replays its transport allows", and
	 * HostileMcpServerTests.endlessUnauthorizedCausesOneReplayAndOneTokenRequestPerCall pins one token request per
	 * call. Interleaving nonce challenges hands the replacement token out a second time (a nonce replay), after which
	 * TokenSlot.Held.isUntriedReplacement() is false, so the next {@code invalid_token} buys another token request:
	 * every call of an endlessly refusing server costs the authorization server two token requests.
	 */
	@Test
	void interleavedNonceChallengesDoNotBuyMoreThanOneTokenRequestPerCall() {
		dpopTokens();
		AtomicInteger seen = new AtomicInteger();
		this.mcp.handle("/mcp", (request) -> (seen.incrementAndGet() % 2 == 0) ? nonceChallenge("n-" + seen.get())
				: new Response(401, "", Map.of("WWW-Authenticate", "DPoP error=\"invalid_token\"")));
		withAuthorization((authorization) -> {
			authorization.accessToken();
			int before = this.as.requestsTo("/token").size();
			for (int i = 0; i < 3; i++) {
				assertThat(call(authorization)).isEqualTo(401);
			}
			assertThat(this.as.requestsTo("/token").size() - before)
				.as("token requests caused by three calls to a server that refuses every token").isLessThanOrEqualTo(3);
		}, "mcp.oauth.client.registrations.s.client-secret=s3cret");
	}

	/**
	 * The token endpoint's {@code use_dpop_nonce} retry resends the first request's body unchanged: with
	 * {@code private_key_jwt} the same client assertion (same {@code jti}) is presented twice, which an authorization
	 * server that enforces RFC 7523's single use of {@code jti} refuses (the nonce retry can never succeed there).
	 */
	@Test
	void theNonceRetryAtTheTokenEndpointSignsAFreshClientAssertion() throws Exception {
		ECKey key = Jwts.ec();
		Path file = Files.writeString(this.temp.resolve("client.jwk.json"), key.toJSONString());
		List<String> seenJtis = new ArrayList<>();
		this.as.handle("/token", (request) -> {
			String jti;
			try {
				jti = SignedJWT.parse(request.form().get("client_assertion")).getJWTClaimsSet().getJWTID();
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
			if (seenJtis.contains(jti)) {
				return new Response(400, "{\"error\":\"invalid_client\",\"error_description\":\"jti replayed\"}",
						Map.of());
			}
			seenJtis.add(jti);
			String proofNonce;
			try {
				Object nonce = SignedJWT.parse(request.header("DPoP")).getJWTClaimsSet().getClaim("nonce");
				proofNonce = (nonce != null) ? nonce.toString() : null;
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
			if (!"as-nonce".equals(proofNonce)) {
				return new Response(400, "{\"error\":\"use_dpop_nonce\"}", Map.of("DPoP-Nonce", "as-nonce"));
			}
			return Response.json("{\"access_token\":\"at\",\"token_type\":\"DPoP\",\"expires_in\":300}");
		});
		withAuthorization((authorization) -> {
			assertThat(authorization.accessToken()).isEqualTo("at");
		}, "mcp.oauth.client.registrations.s.private-key-location=file:" + file);
	}

	/**
	 * The workload's platform JWT is a credential whose audience is the authorization server it was minted for
	 * (README: "audience: the authorization server"). Without issuer-uri the registration trusts whichever
	 * authorization server the MCP server's Protected Resource Metadata names first, and presents the JWT there; the
	 * client parses the JWT but never compares its {@code aud} with the issuer it is about to send it to. A hostile
	 * (or compromised) MCP server collects a replayable platform identity token for the real authorization server.
	 */
	@Test
	void theWorkloadJwtIsNeverPresentedToAnAuthorizationServerOutsideItsAudience() throws Exception {
		ECKey platform = Jwts.ec();
		String realAuthorizationServer = "https://as.trusted.example";
		String workloadJwt = Jwts.sign(platform, "https://platform.example", realAuthorizationServer,
				(claims) -> claims.subject("system:serviceaccount:prod:billing"));
		Path file = Files.writeString(this.temp.resolve("token"), workloadJwt);
		this.mcp.serve("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"" + this.mcp.url()
				+ "/mcp\",\"authorization_servers\":[\"" + this.as.url() + "\"]}");
		this.as.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + this.as.url()
				+ "\",\"token_endpoint\":\"" + this.as.url() + "/token\"}");
		this.as.handle("/token", (request) -> Response
			.json("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.w.server-url=" + this.mcp.url() + "/mcp",
					"mcp.oauth.client.registrations.w.client-id=workload-1",
					"mcp.oauth.client.registrations.w.flow=workload-identity",
					"mcp.oauth.client.registrations.w.workload-identity.token-file=" + file)
			.run((context) -> {
				if (context.getStartupFailure() != null) {
					return; // refusing a workload-identity registration without issuer-uri is a fix too
				}
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
				try {
					authorization.accessToken();
				}
				catch (McpOAuthClientException ex) {
					// a refusal before the token request is the expected outcome
				}
				assertThat(this.as.requestsTo("/token"))
					.as("jwt-bearer requests carrying the workload JWT to %s, an issuer outside its audience %s",
							this.as.url(), realAuthorizationServer)
					.noneMatch((request) -> workloadJwt.equals(request.form().get("assertion")));
			});
	}

	/**
	 * The token file is checked to be a regular file at start-up only; each token request opens whatever the path
	 * names then, without a timeout. Replaced by a FIFO (anyone able to write the token directory; or a misconfigured
	 * volume), the token request blocks forever while holding the registration's token slot, so every later call of
	 * the registration hangs too.
	 */
	@Test
	void aTokenFileReplacedByAFifoFailsTheTokenRequestInsteadOfHangingIt() throws Exception {
		ECKey platform = Jwts.ec();
		Path file = Files.writeString(this.temp.resolve("token"),
				Jwts.sign(platform, "https://platform.example", this.as.url(), (claims) -> claims.subject("w")));
		dpopTokens();
		runner("mcp.oauth.client.registrations.s.flow=workload-identity",
				"mcp.oauth.client.registrations.s.workload-identity.token-file=" + file)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
				Files.delete(file);
				Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
				assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
				assertThat(mkfifo.exitValue()).isZero();
				CompletableFuture<Object> attempt = CompletableFuture.supplyAsync(() -> {
					try {
						return authorization.accessToken();
					}
					catch (RuntimeException ex) {
						return ex;
					}
				});
				try {
					Object outcome = attempt.get(5, TimeUnit.SECONDS);
					assertThat(outcome).isInstanceOf(McpOAuthClientException.class);
				}
				catch (TimeoutException ex) {
					throw new AssertionError("the token request still blocks on the FIFO after 5 s", ex);
				}
				finally {
					if (!attempt.isDone()) {
						// unblock the reader: open the FIFO for writing and close it at once
						try (OutputStream out = Files.newOutputStream(file)) {
							out.flush();
						}
						attempt.get(5, TimeUnit.SECONDS);
					}
				}
				assertThat(this.as.requestsTo("/token")).isEmpty();
			});
	}

	/** A proof's htu never carries a query (RFC 9449 section 4.2), even when the path is empty. */
	@Test
	void theProofForARequestWithOnlyAQueryHasNoQueryInHtu() {
		dpopTokens();
		this.mcp.handle("/mcp", (request) -> Response.json("{}"));
		withAuthorization((authorization) -> {
			RequestCredentials credentials = authorization.accessCredentials("GET",
					java.net.URI.create(this.mcp.url() + "/mcp?session=abc#frag"), null);
			try {
				String htu = SignedJWT.parse(credentials.dpopProof()).getJWTClaimsSet().getStringClaim("htu");
				assertThat(htu).isEqualTo(this.mcp.url() + "/mcp");
			}
			catch (java.text.ParseException ex) {
				throw new AssertionError(ex);
			}
		}, "mcp.oauth.client.registrations.s.client-secret=s3cret");
	}

	/**
	 * With DEBUG (TRACE for this library) on every client-side logger, neither the DPoP-bound token, nor any proof,
	 * nor the client secret appears in the output, through RestClient and WebClient, nonce retries included.
	 */
	@Test
	void noTokenNoProofAndNoSecretInDebugLogs(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		List<String> loggers = List.of("org.springframework.web", "org.springframework.http", "reactor.netty",
				"org.springframework.security", "io.modelcontextprotocol", "jdk.httpclient", "dev.mcpoauth");
		loggers.forEach((name) -> logging.setLogLevel(name, "dev.mcpoauth".equals(name) ? LogLevel.TRACE : LogLevel.DEBUG));
		try {
			this.as.handle("/token", (request) -> {
				if (request.header("DPoP") == null || !request.header("DPoP").contains(".")) {
					return new Response(400, "{}", Map.of());
				}
				String token = "at-" + UUID.randomUUID();
				this.issued.add(token);
				return new Response(200, "{\"access_token\":\"" + token
						+ "\",\"token_type\":\"DPoP\",\"expires_in\":300}",
						Map.of("Content-Type", "application/json", "DPoP-Nonce", "as-nonce-2"));
			});
			this.mcp.handle("/mcp", (request) -> {
				String proof = request.header("DPoP");
				return (proof != null && proof.length() > 0 && request.header("X-Seen") == null
						&& this.mcp.requestsTo("/mcp").size() % 2 == 1) ? nonceChallenge("rs-" + UUID.randomUUID())
								: Response.json("{}");
			});
			withAuthorization((authorization) -> {
				call(authorization);
				org.springframework.web.reactive.function.client.WebClient.builder()
					.filter(new dev.mcpoauth.client.transport.McpOAuthExchangeFilterFunction(authorization, 2))
					.build()
					.post()
					.uri(this.mcp.url() + "/mcp")
					.bodyValue("{}")
					.exchangeToMono((response) -> reactor.core.publisher.Mono.just(response.statusCode().value()))
					.block(java.time.Duration.ofSeconds(10));
			}, "mcp.oauth.client.registrations.s.client-secret=s3cret-" + SECRET_SUFFIX);
		}
		finally {
			loggers.forEach((name) -> logging.setLogLevel(name, null));
		}
		assertThat(this.issued).isNotEmpty();
		List<String> proofs = new ArrayList<>();
		this.mcp.requestsTo("/mcp").forEach((request) -> proofs.add(request.header("DPoP")));
		this.as.requestsTo("/token").forEach((request) -> proofs.add(request.header("DPoP")));
		assertThat(proofs).doesNotContainNull();
		for (String token : this.issued) {
			assertThat(output).doesNotContain(token);
		}
		for (String proof : proofs) {
			assertThat(output).doesNotContain(proof).doesNotContain(proof.substring(proof.lastIndexOf('.') + 1));
		}
		assertThat(output).doesNotContain(SECRET_SUFFIX);
	}

	/**
	 * README tells code that attaches tokens itself to ask {@code McpAuthorization.credentials(method, uri, idToken)}
	 * for both headers; unlike every transport, it does not check the URI against server-url
	 * ({@link ServerUrlScope}), so a URI taken from an MCP server's answer (a resource link, an announced endpoint)
	 * gets the bound token and a valid proof for another origin.
	 */
	@Test
	void credentialsAreNeverMadeForAUriOutsideServerUrl() {
		dpopTokens();
		withAuthorization((authorization) -> {
			authorization.accessToken();
			assertThat(authorization.credentials("POST", java.net.URI.create("https://elsewhere.example/collect"), null))
				.as("credentials for an origin other than server-url's").isNull();
		}, "mcp.oauth.client.registrations.s.client-secret=s3cret");
	}

	/**
	 * README: "a server that refuses the nonce it just handed out gets no further retry". The guard compares the
	 * nonce with the refused proof's; a request that carried no proof (the first one, sent without a token so that
	 * the 401 drives discovery) never "had" the nonce, and its replay carries no proof either, so a server that
	 * answers it with the same nonce again and again gets the whole replay budget, and discovery never starts.
	 */
	@Test
	void aConstantNonceChallengeToATokenlessRequestGetsNoFurtherRetry() {
		this.mcp.handle("/mcp", (request) -> nonceChallenge("always-the-same"));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.s.server-url=" + this.mcp.url() + "/mcp",
					"mcp.oauth.client.registrations.s.client-id=client-1",
					"mcp.oauth.client.registrations.s.client-secret=s3cret",
					"mcp.oauth.client.registrations.s.dpop.enabled=true")
			.run((context) -> {
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
				assertThat(call(authorization)).isEqualTo(401);
				assertThat(this.mcp.requestsTo("/mcp")).as("tokenless requests answered with one constant nonce")
					.hasSizeLessThanOrEqualTo(2);
			});
	}

	/** {@link #interleavedNonceChallengesDoNotBuyMoreThanOneTokenRequestPerCall} through the MCP Java SDK transport. */
	@Test
	void interleavedNonceChallengesThroughTheMcpSdkTransportCauseOneTokenRequestPerCall() {
		dpopTokens();
		AtomicInteger seen = new AtomicInteger();
		this.mcp.handle("/mcp", (request) -> (seen.incrementAndGet() % 2 == 0) ? nonceChallenge("n-" + seen.get())
				: new Response(401, "", Map.of("WWW-Authenticate", "DPoP error=\"invalid_token\"")));
		withAuthorization((authorization) -> {
			authorization.accessToken();
			int before = this.as.requestsTo("/token").size();
			io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport.Builder transport =
					io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport.builder(this.mcp.url())
				.endpoint("/mcp");
			dev.mcpoauth.client.transport.McpSdkTransportAuthorization sdk =
					new dev.mcpoauth.client.transport.McpSdkTransportAuthorization(authorization, 2);
			try (io.modelcontextprotocol.client.McpSyncClient client = io.modelcontextprotocol.client.McpClient
				.sync(sdk.applyTo(transport).build())
				.requestTimeout(java.time.Duration.ofSeconds(5))
				.build()) {
				client.initialize();
			}
			catch (RuntimeException ex) {
				// refused: only what it cost matters
			}
			assertThat(this.as.requestsTo("/token").size() - before)
				.as("token requests caused by one initialize against a server that refuses every token")
				.isLessThanOrEqualTo(1);
		}, "mcp.oauth.client.registrations.s.client-secret=s3cret");
	}

	private static final String SECRET_SUFFIX = UUID.randomUUID().toString();

}
