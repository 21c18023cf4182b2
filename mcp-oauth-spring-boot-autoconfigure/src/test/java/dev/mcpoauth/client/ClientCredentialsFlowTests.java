package dev.mcpoauth.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The client credentials flow through the auto-configured beans, against a stub authorization server on loopback
 * that records every request: discovery order, RFC 8707 resource, scope selection, client authentication, caching,
 * single-flight, step-up and error reporting.
 */
class ClientCredentialsFlowTests {

	private final StubAuthorizationServer server = new StubAuthorizationServer();

	@TempDir
	Path temp;

	@AfterEach
	void stop() {
		this.server.close();
	}

	private ApplicationContextRunner runner(String... registration) {
		List<String> properties = new ArrayList<>(List.of("mcp.oauth.client.registrations.s.server-url=" + this.server.mcp(),
				"mcp.oauth.client.registrations.s.client-id=client-1"));
		for (String property : registration) {
			properties.add("mcp.oauth.client.registrations.s." + property);
		}
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
	}

	private void withAuthorization(ApplicationContextRunner runner, java.util.function.Consumer<McpAuthorization> test) {
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
		});
	}

	@Test
	void discoversFromWellKnownAndSendsResourceScopesAndBasicAuthentication() {
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			assertThat(authorization.accessToken()).startsWith("at-");
			assertThat(this.server.http.requests()).containsExactly("/.well-known/oauth-protected-resource/mcp",
					"/.well-known/oauth-authorization-server", "/token");
			Request token = this.server.tokenRequests().get(0);
			assertThat(token.form()).containsEntry("grant_type", "client_credentials")
				.containsEntry("resource", this.server.mcp())
				.containsEntry("scope", "a b")
				.doesNotContainKey("client_secret");
			assertThat(token.header("Authorization"))
				.isEqualTo("Basic " + Base64.getEncoder().encodeToString("client-1:s3cret".getBytes()));
		});
	}

	@Test
	void firstRequestGoesWithoutTokenAndTheChallengeDrivesDiscovery() {
		this.server.http.serve("/custom/prm", "{\"resource\":\"" + this.server.mcp() + "\",\"authorization_servers\":[\""
				+ this.server.issuer() + "\"]}");
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			assertThat(authorization.tokenForRequest()).isNull();
			assertThat(this.server.http.requests()).isEmpty();
			boolean replay = authorization.onErrorResponse(401, List.of("Bearer resource_metadata=\""
					+ this.server.issuer() + "/custom/prm\", scope=\"x y\""), null);
			assertThat(replay).isTrue();
			assertThat(this.server.http.requests()).containsExactly("/custom/prm",
					"/.well-known/oauth-authorization-server", "/token");
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("scope", "x y");
			assertThat(authorization.tokenForRequest()).startsWith("at-");
			assertThat(this.server.tokenRequests()).hasSize(1);
		});
	}

	@Test
	void fallsBackToTheRootWellKnownMetadata() {
		this.server.http.handle("/.well-known/oauth-protected-resource/mcp", (request) -> new Response(404, "", Map.of()));
		this.server.http.serve("/.well-known/oauth-protected-resource", "{\"resource\":\"" + this.server.mcp()
				+ "\",\"authorization_servers\":[\"" + this.server.issuer() + "\"]}");
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			authorization.accessToken();
			assertThat(this.server.http.requests()).startsWith("/.well-known/oauth-protected-resource/mcp",
					"/.well-known/oauth-protected-resource");
			assertThat(this.server.tokenRequests().get(0).form()).doesNotContainKey("scope");
		});
	}

	@Test
	void configuredScopesAreUsedWhenTheChallengeNamesNone() {
		withAuthorization(runner("client-secret=s3cret", "scopes=mcp:tools"), (authorization) -> {
			authorization.accessToken();
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("scope", "mcp:tools");
		});
	}

	@Test
	void aChallengeWithoutScopeLeavesTheConfiguredScopes() {
		withAuthorization(runner("client-secret=s3cret", "scopes=mcp:tools"), (authorization) -> {
			authorization.onErrorResponse(401, List.of("Bearer resource_metadata=\"" + this.server.issuer()
					+ "/.well-known/oauth-protected-resource/mcp\""), null);
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("scope", "mcp:tools");
		});
	}

	@Test
	void refusesMetadataForAnotherResource() {
		this.server.http.serve("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"https://other.example/mcp\","
				+ "\"authorization_servers\":[\"" + this.server.issuer() + "\"]}");
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class).isThrownBy(authorization::accessToken)
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("discovery_failed"))
			.withMessageContaining("https://other.example/mcp"));
		assertThat(this.server.tokenRequests()).isEmpty();
	}

	@Test
	void refusesAnAuthorizationServerThatNamesAnotherIssuer() {
		this.server.http.serve("/.well-known/oauth-authorization-server",
				"{\"issuer\":\"https://evil.example\",\"token_endpoint\":\"https://evil.example/token\"}");
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class).isThrownBy(authorization::accessToken).withMessageContaining("mix-up"));
		assertThat(this.server.tokenRequests()).isEmpty();
	}

	@Test
	void refusesPlainHttpDiscoveryOnOtherHosts() {
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class)
			.isThrownBy(() -> authorization.onErrorResponse(401,
					List.of("Bearer resource_metadata=\"http://evil.example/prm\""), null))
			.withMessageContaining("must use https"));
		assertThat(this.server.http.requests()).isEmpty();
	}

	@Test
	void extraParametersAndNoResourceForAuthorizationServersThatNeedIt() {
		withAuthorization(runner("client-secret=s3cret", "token-request-parameters.audience=https://api.example",
				"send-resource-parameter=false"), (authorization) -> {
					authorization.accessToken();
					assertThat(this.server.tokenRequests().get(0).form()).containsEntry("audience", "https://api.example")
						.doesNotContainKey("resource");
				});
	}

	@Test
	void clientSecretPostSendsTheCredentialsInTheBody() {
		withAuthorization(runner("client-secret=s3cret", "client-authentication-method=client_secret_post"),
				(authorization) -> {
					authorization.accessToken();
					Request token = this.server.tokenRequests().get(0);
					assertThat(token.form()).containsEntry("client_id", "client-1").containsEntry("client_secret", "s3cret");
					assertThat(token.header("Authorization")).isNull();
				});
	}

	@Test
	void usesTheMethodTheAuthorizationServerAdvertises() {
		this.server.http.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + this.server.issuer()
				+ "\",\"token_endpoint\":\"" + this.server.issuer()
				+ "/token\",\"token_endpoint_auth_methods_supported\":[\"client_secret_post\"]}");
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			authorization.accessToken();
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("client_secret", "s3cret");
		});
	}

	@Test
	void privateKeyJwtSendsAnAssertionForTheIssuer() throws Exception {
		ECKey key = Jwts.ec();
		Path file = Files.writeString(this.temp.resolve("client.jwk.json"), key.toJSONString());
		withAuthorization(runner("private-key-location=file:" + file), (authorization) -> {
			String refused = authorization.accessToken();
			authorization.onErrorResponse(401, List.of("Bearer error=\"invalid_token\""), "Bearer " + refused);
			List<Request> tokens = this.server.tokenRequests();
			assertThat(tokens).hasSize(2);
			List<String> jtis = new ArrayList<>();
			for (Request token : tokens) {
				Map<String, String> form = token.form();
				assertThat(form).containsEntry("client_assertion_type",
						"urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
					.containsEntry("resource", this.server.mcp())
					.doesNotContainKey("client_secret");
				assertThat(token.header("Authorization")).isNull();
				try {
					SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
					assertThat(assertion.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
					assertThat(assertion.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
					assertThat(assertion.getHeader().getKeyID()).isEqualTo(key.getKeyID());
					JWTClaimsSet claims = assertion.getJWTClaimsSet();
					assertThat(claims.getIssuer()).isEqualTo("client-1");
					assertThat(claims.getSubject()).isEqualTo("client-1");
					assertThat(claims.getAudience()).containsExactly(this.server.issuer());
					assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
						.isEqualTo(Duration.ofSeconds(60));
					jtis.add(claims.getJWTID());
				}
				catch (Exception ex) {
					throw new AssertionError(ex);
				}
			}
			assertThat(jtis).doesNotHaveDuplicates().doesNotContainNull();
		});
	}

	@Test
	void reusesTheTokenUntilShortlyBeforeItExpires() {
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			String first = authorization.accessToken();
			assertThat(authorization.accessToken()).isEqualTo(first);
			assertThat(this.server.tokenRequests()).hasSize(1);
		});
		this.server.tokenResponse.set((request) -> StubAuthorizationServer.token(2));
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			String shortLived = authorization.accessToken();
			assertThat(authorization.accessToken()).as("usable for half its life").isEqualTo(shortLived);
			await().atMost(Duration.ofSeconds(3)).until(() -> !authorization.accessToken().equals(shortLived));
		});
	}

	@Test
	void aTokenWithoutExpiresInIsReusedUntilRefused() {
		this.server.tokenResponse.set((request) -> Response.json("{\"access_token\":\"forever\",\"token_type\":\"Bearer\"}"));
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			authorization.accessToken();
			authorization.accessToken();
			assertThat(this.server.tokenRequests()).hasSize(1);
			authorization.onErrorResponse(401, List.of("Bearer error=\"invalid_token\""), "Bearer forever");
			assertThat(this.server.tokenRequests()).hasSize(2);
		});
	}

	@Test
	void sixtyFourThreadsNeedingATokenCauseOneTokenRequest() {
		this.server.tokenResponse.set((request) -> Response.slow(Duration.ofMillis(300), StubAuthorizationServer.token(300)));
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			ExecutorService pool = Executors.newFixedThreadPool(64);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<String>> tokens = new ArrayList<>();
				for (int i = 0; i < 64; i++) {
					Callable<String> task = () -> {
						start.await();
						return authorization.accessToken();
					};
					tokens.add(pool.submit(task));
				}
				start.countDown();
				Set<String> distinct = new java.util.HashSet<>();
				for (Future<String> token : tokens) {
					distinct.add(token.get());
				}
				assertThat(distinct).hasSize(1);
				assertThat(this.server.tokenRequests()).hasSize(1);
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	@Test
	void stepsUpToTheUnionOfHeldAndChallengedScopes() {
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> {
			String first = authorization.accessToken();
			String challenge = "Bearer error=\"insufficient_scope\", scope=\"a c\"";
			assertThat(authorization.onErrorResponse(403, List.of(challenge), "Bearer " + first)).isTrue();
			assertThat(this.server.tokenRequests().get(1).form()).containsEntry("scope", "a b c");
			String wider = authorization.accessToken();
			assertThat(authorization.onErrorResponse(403, List.of(challenge), "Bearer " + wider))
				.as("no progress, no replay")
				.isFalse();
			assertThat(authorization.onErrorResponse(403, List.of(challenge), "Bearer " + first))
				.as("a concurrent call refused with the narrower token replays with the wider one")
				.isTrue();
			assertThat(authorization.onErrorResponse(403, List.of("Bearer error=\"other\""), null)).isFalse();
			assertThat(this.server.tokenRequests()).hasSize(2);
		});
	}

	@Test
	void authorizationServerErrorsBecomeTypedExceptions() {
		this.server.tokenResponse.set((request) -> new Response(401,
				"{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}", Map.of()));
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class).isThrownBy(authorization::accessToken).satisfies((ex) -> {
					assertThat(ex.getRegistration()).isEqualTo("s");
					assertThat(ex.getError()).isEqualTo("invalid_client");
					assertThat(ex.getErrorDescription()).isEqualTo("Client authentication failed");
					assertThat(ex.getHttpStatus()).isEqualTo(401);
					assertThat(ex.getMessage()).doesNotContain("s3cret");
				}));
	}

	@Test
	void nonJsonErrorsAndRetryAfterAreReportedReadably() {
		this.server.tokenResponse.set((request) -> new Response(429, "<html>slow down</html>", Map.of("Retry-After", "7")));
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class).isThrownBy(authorization::accessToken).satisfies((ex) -> {
					assertThat(ex.getHttpStatus()).isEqualTo(429);
					assertThat(ex.getError()).isEqualTo("invalid_error_response");
					assertThat(ex.getMessage()).contains("Retry-After: 7").doesNotContain("slow down");
				}));
	}

	@Test
	void aMalformedTokenResponseIsReportedWithoutEchoingIt() {
		this.server.tokenResponse.set((request) -> Response.json("{\"access_token\":\"leaked-secret-token\",\"token_type\":"));
		withAuthorization(runner("client-secret=s3cret"), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class).isThrownBy(authorization::accessToken).satisfies((ex) -> {
					assertThat(ex.getError()).isEqualTo("invalid_token_response");
					assertThat(ex.getMessage()).doesNotContain("leaked-secret-token");
					assertThat(ex.getCause()).isNull();
				}));
	}

	@Test
	void anUnreachableTokenEndpointIsReported() {
		withAuthorization(runner("client-secret=s3cret", "token-uri=http://127.0.0.1:1/token"),
				(authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
					.isThrownBy(authorization::accessToken)
					.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("token_endpoint_unreachable")));
	}

}
