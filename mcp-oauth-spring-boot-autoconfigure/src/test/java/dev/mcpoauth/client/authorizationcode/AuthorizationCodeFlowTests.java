package dev.mcpoauth.client.authorizationcode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.authorizationcode.StubAuthorizationCodeServer.Iss;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The authorization code flow with PKCE through the auto-configured beans and the headless user agent, against a
 * stub authorization server on loopback that records every request: what goes into the authorization and token
 * requests, and every rule by which the client refuses an answer (each test fails if the rule is removed: the token
 * endpoint would then be called, or a value sent).
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthorizationCodeFlowTests {

	private static final String REDIRECT = "http://127.0.0.1/mcp-oauth/callback";

	private final StubAuthorizationCodeServer server = new StubAuthorizationCodeServer();

	@AfterEach
	void stop() {
		this.server.close();
	}

	private ApplicationContextRunner runner(String... registration) {
		List<String> properties = new ArrayList<>(List.of("mcp.oauth.client.registrations.s.server-url=" + this.server.mcp(),
				"mcp.oauth.client.registrations.s.flow=authorization-code"));
		for (String property : registration) {
			properties.add(property.startsWith("mcp.") ? property : "mcp.oauth.client.registrations.s." + property);
		}
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
	}

	private void withAuthorization(ApplicationContextRunner runner, Consumer<McpAuthorization> test) {
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
		});
	}

	private void refused(String error, String... registration) {
		withAuthorization(runner(registration), (authorization) -> assertThatExceptionOfType(
				McpOAuthClientException.class).isThrownBy(authorization::accessToken)
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo(error)));
	}

	@Test
	void registersAuthorizesWithPkceAndResourceAndExchangesTheCode() throws Exception {
		withAuthorization(runner(), (authorization) -> {
			assertThat(authorization.accessToken()).startsWith("at-");
			assertThat(this.server.http.requests()).containsExactly("/.well-known/oauth-protected-resource/mcp",
					"/.well-known/oauth-authorization-server", "/register", "/authorize", "/token");
			Map<String, Object> registration = parse(this.server.registrations().get(0).body());
			assertThat(registration).containsEntry("application_type", "native")
				.containsEntry("token_endpoint_auth_method", "none")
				.containsEntry("redirect_uris", List.of(REDIRECT))
				.containsEntry("grant_types", List.of("authorization_code", "refresh_token"))
				.containsEntry("response_types", List.of("code"));
			Map<String, String> authorize = this.server.authorizeRequests().get(0).queryParameters();
			assertThat(authorize).containsEntry("response_type", "code")
				.containsEntry("client_id", "dyn-1")
				.containsEntry("redirect_uri", REDIRECT)
				.containsEntry("code_challenge_method", "S256")
				.containsEntry("resource", this.server.mcp())
				.containsEntry("scope", "mcp:read")
				.containsKeys("state", "code_challenge");
			assertThat(authorize.get("state")).hasSizeGreaterThanOrEqualTo(32);
			Map<String, String> token = this.server.tokenRequests().get(0).form();
			assertThat(token).containsEntry("grant_type", "authorization_code")
				.containsEntry("redirect_uri", REDIRECT)
				.containsEntry("client_id", "dyn-1")
				.containsEntry("resource", this.server.mcp());
			assertThat(StubAuthorizationCodeServer.s256(token.get("code_verifier")))
				.isEqualTo(authorize.get("code_challenge"));
			assertThat(authorization.accessToken()).as("cached").isEqualTo(authorization.accessToken());
			assertThat(this.server.tokenRequests()).hasSize(1);
		});
	}

	@Test
	void theResourceIsSentExactlyAsPublishedEvenWithoutAPath() {
		this.server.http.handle("/.well-known/oauth-protected-resource/mcp", (request) -> new Response(404, "", Map.of()));
		this.server.http.serve("/.well-known/oauth-protected-resource", "{\"resource\":\"" + this.server.issuer()
				+ "\",\"authorization_servers\":[\"" + this.server.issuer() + "\"]}");
		withAuthorization(runner(), (authorization) -> {
			authorization.accessToken();
			assertThat(this.server.authorizeRequests().get(0).queryParameters()).containsEntry("resource",
					this.server.issuer());
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("resource", this.server.issuer());
		});
	}

	@Test
	void aRootDocumentForAnotherOriginIsRefused() {
		this.server.http.handle("/.well-known/oauth-protected-resource/mcp", (request) -> new Response(404, "", Map.of()));
		this.server.http.serve("/.well-known/oauth-protected-resource", "{\"resource\":\"https://evil.example\","
				+ "\"authorization_servers\":[\"" + this.server.issuer() + "\"]}");
		refused("discovery_failed");
		assertThat(this.server.authorizeRequests()).isEmpty();
	}

	@Test
	void anAuthorizationServerWithoutS256IsRefusedBeforeAnyAuthorizationRequest() {
		this.server.metadata.put("code_challenge_methods_supported", List.of("plain"));
		refused("pkce_not_supported");
		assertThat(this.server.authorizeRequests()).isEmpty();
	}

	@Test
	void anAuthorizationServerThatAdvertisesNoPkceIsRefused() {
		this.server.metadata.remove("code_challenge_methods_supported");
		refused("pkce_not_supported");
		assertThat(this.server.authorizeRequests()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(value = Iss.class, names = { "MISSING", "WRONG", "NORMALIZED" })
	void anAdvertisedIssThatIsMissingWrongOrNormalizedIsRefusedBeforeTheCodeIsExchanged(Iss iss,
			CapturedOutput output) {
		this.server.iss.set(iss);
		refused("invalid_issuer");
		assertThat(this.server.authorizeRequests()).hasSize(1);
		assertThat(this.server.tokenRequests()).isEmpty();
		assertThat(output).doesNotContain(this.server.codesIssued().get(0));
	}

	@Test
	void aWrongIssIsRefusedEvenWhenTheServerDoesNotAdvertiseIt() {
		this.server.metadata.remove("authorization_response_iss_parameter_supported");
		this.server.iss.set(Iss.WRONG);
		refused("invalid_issuer");
		assertThat(this.server.tokenRequests()).isEmpty();
	}

	@Test
	void noIssIsAcceptedWhenTheServerDoesNotAdvertiseIt() {
		this.server.metadata.remove("authorization_response_iss_parameter_supported");
		this.server.iss.set(Iss.MISSING);
		withAuthorization(runner(), (authorization) -> assertThat(authorization.accessToken()).startsWith("at-"));
	}

	@Test
	void anotherStateIsRefusedBeforeTheCodeIsExchanged() {
		this.server.state.set("forged-state");
		refused("invalid_state");
		assertThat(this.server.tokenRequests()).isEmpty();
	}

	@Test
	void aRedirectToAnotherHostIsRefused(CapturedOutput output) {
		this.server.redirectTo.set("http://evil.example/mcp-oauth/callback");
		withAuthorization(runner(), (authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_redirect");
				assertThat(ex.getMessage()).contains("http://evil.example/mcp-oauth/callback")
					.doesNotContain(this.server.codesIssued().get(0));
			}));
		assertThat(this.server.tokenRequests()).isEmpty();
		assertThat(output).doesNotContain(this.server.codesIssued().get(0));
	}

	@Test
	void aRedirectToAnotherPathOrPortIsRefused() {
		this.server.redirectTo.set("http://127.0.0.1:8080/mcp-oauth/callback");
		refused("invalid_redirect");
		this.server.redirectTo.set("http://127.0.0.1/mcp-oauth/callback/other");
		refused("invalid_redirect");
		assertThat(this.server.tokenRequests()).isEmpty();
	}

	@Test
	void anErrorAnswerReachesTheCallerWithItsErrorAndDescription() {
		this.server.error.set("access_denied");
		withAuthorization(runner(), (authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("access_denied");
				assertThat(ex.getErrorDescription()).isEqualTo("The user said no");
			}));
	}

	@Test
	void aPageInsteadOfARedirectIsInteractionRequired() {
		this.server.interactive = true;
		withAuthorization(runner(), (authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("interaction_required");
				assertThat(ex.getHttpStatus()).isEqualTo(200);
			}));
	}

	@Test
	void aCodeTheAuthorizationServerRefusesForAnotherResourceReachesTheCallerWithItsStatus(CapturedOutput output) {
		this.server.tokenResponse.set((request) -> StubAuthorizationCodeServer.error(400, "invalid_target"));
		withAuthorization(runner(), (authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_target");
				assertThat(ex.getErrorDescription()).isEqualTo("refused by the stub");
				assertThat(ex.getHttpStatus()).isEqualTo(400);
			}));
		String verifier = this.server.tokenRequests().get(0).form().get("code_verifier");
		assertThat(output).doesNotContain(verifier).doesNotContain(this.server.codesIssued().get(0));
	}

	@Test
	void aRegistrationAnswerWithoutClientIdIsNotUsed() {
		this.server.registrationResponse.set((request) -> new Response(201, "{\"client_name\":\"x\"}", Map.of()));
		refused("invalid_registration_response");
		assertThat(this.server.authorizeRequests()).isEmpty();
	}

	@Test
	void aRefusedRegistrationReachesTheCallerWithItsErrorAndStatus() {
		this.server.registrationResponse.set((request) -> StubAuthorizationCodeServer.error(400, "invalid_client_metadata"));
		withAuthorization(runner(), (authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_client_metadata");
				assertThat(ex.getHttpStatus()).isEqualTo(400);
			}));
	}

	@Test
	void aRegistrationWithASecretAuthenticatesWithIt() {
		this.server.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
		withAuthorization(runner("authorization-code.application-type=web"), (authorization) -> {
			authorization.accessToken();
			assertThat(parse(this.server.registrations().get(0).body())).containsEntry("application_type", "web")
				.containsEntry("token_endpoint_auth_method", "client_secret_basic");
			Request token = this.server.tokenRequests().get(0);
			assertThat(token.header("Authorization")).startsWith("Basic ");
			assertThat(token.form()).doesNotContainKey("client_secret");
		});
	}

	@Test
	void aClientIdMetadataDocumentIsTheClientIdWhereTheServerAcceptsOne() {
		this.server.metadata.put("client_id_metadata_document_supported", true);
		withAuthorization(runner("authorization-code.client-id-metadata-document=https://app.example/client.json"),
				(authorization) -> {
					authorization.accessToken();
					assertThat(this.server.registrations()).isEmpty();
					assertThat(this.server.authorizeRequests().get(0).queryParameters()).containsEntry("client_id",
							"https://app.example/client.json");
				});
	}

	@Test
	void withoutClientIdMetadataDocumentSupportTheClientRegistersDynamically() {
		withAuthorization(runner("authorization-code.client-id-metadata-document=https://app.example/client.json"),
				(authorization) -> {
					authorization.accessToken();
					assertThat(this.server.registrations()).hasSize(1);
				});
	}

	@Test
	void withNoWayToRegisterTheCallFailsNamingTheProperties() {
		withAuthorization(runner("authorization-code.dynamic-registration=false",
				"authorization-code.client-id-metadata-document=https://app.example/client.json"),
				(authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
					.isThrownBy(authorization::accessToken)
					.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("no_client_registration"))
					.withMessageContaining("client-id-metadata-document")
					.withMessageContaining("dynamic-registration"));
	}

	@Test
	void offlineAccessIsRequestedOnlyWhenTheAuthorizationServerListsIt() {
		withAuthorization(runner(), (authorization) -> {
			authorization.accessToken();
			assertThat(StubAuthorizationCodeServer.scopes(this.server.authorizeRequests().get(0).queryParameters()))
				.containsExactlyInAnyOrder("mcp:read");
		});
		this.server.metadata.put("scopes_supported", List.of("mcp:read", "offline_access"));
		withAuthorization(runner(), (authorization) -> {
			authorization.accessToken();
			assertThat(StubAuthorizationCodeServer.scopes(this.server.authorizeRequests().get(1).queryParameters()))
				.containsExactlyInAnyOrder("mcp:read", "offline_access");
		});
		withAuthorization(runner("authorization-code.request-offline-access=false"), (authorization) -> {
			authorization.accessToken();
			assertThat(StubAuthorizationCodeServer.scopes(this.server.authorizeRequests().get(2).queryParameters()))
				.containsExactlyInAnyOrder("mcp:read");
		});
	}

	@Test
	void theChallengesScopeComesFirstThenScopesSupportedElseNone() {
		withAuthorization(runner(), (authorization) -> {
			assertThat(authorization.onErrorResponse(401, List.of("Bearer scope=\"mcp:write\", resource_metadata=\""
					+ this.server.issuer() + "/.well-known/oauth-protected-resource/mcp\""), null)).isTrue();
			assertThat(this.server.authorizeRequests().get(0).queryParameters()).containsEntry("scope", "mcp:write");
		});
		this.server.protectedResource.set(this.server.prm(this.server.issuer(), null));
		withAuthorization(runner(), (authorization) -> {
			authorization.accessToken();
			assertThat(this.server.authorizeRequests().get(1).queryParameters()).doesNotContainKey("scope");
		});
	}

	@Test
	void aStepUpAuthorizesAgainForTheUnionOfScopesWithinTheRetryLimit() {
		withAuthorization(runner(), (authorization) -> {
			String first = authorization.accessToken();
			String challenge = "Bearer error=\"insufficient_scope\", scope=\"mcp:write\"";
			assertThat(authorization.onErrorResponse(403, List.of(challenge), "Bearer " + first)).isTrue();
			assertThat(StubAuthorizationCodeServer.scopes(this.server.authorizeRequests().get(1).queryParameters()))
				.containsExactlyInAnyOrder("mcp:read", "mcp:write");
			String second = authorization.accessToken();
			assertThat(second).isNotEqualTo(first);
			assertThat(authorization.onErrorResponse(403, List.of(challenge), "Bearer " + second))
				.as("a token that already has the scope gets no new authorization")
				.isFalse();
			assertThat(this.server.authorizeRequests()).hasSize(2);
		});
	}

	@Test
	void theRefreshTokenIsUsedBeforeTheAccessTokenExpires() throws InterruptedException {
		this.server.expiresIn = 2;
		withAuthorization(runner(), (authorization) -> {
			String first = authorization.accessToken();
			sleep(1200);
			String second = authorization.accessToken();
			assertThat(second).isNotEqualTo(first);
			assertThat(this.server.authorizeRequests()).as("no new authorization").hasSize(1);
			assertThat(this.server.tokenRequests()).hasSize(2);
			Map<String, String> refresh = this.server.tokenRequests().get(1).form();
			assertThat(refresh).containsEntry("grant_type", "refresh_token")
				.containsEntry("resource", this.server.mcp())
				.containsEntry("client_id", "dyn-1");
		});
	}

	@Test
	void aRefusedRefreshTokenLeadsToANewAuthorization() {
		this.server.expiresIn = 2;
		withAuthorization(runner(), (authorization) -> {
			String first = authorization.accessToken();
			sleep(1200);
			this.server.tokenResponse.set((request) -> "refresh_token".equals(request.form().get("grant_type"))
					? StubAuthorizationCodeServer.error(400, "invalid_grant") : this.server.token(request));
			assertThat(authorization.accessToken()).isNotEqualTo(first);
			assertThat(this.server.tokenRequests()).extracting((request) -> request.form().get("grant_type"))
				.containsExactly("authorization_code", "refresh_token", "authorization_code");
			assertThat(this.server.authorizeRequests()).hasSize(2);
		});
	}

	@Test
	void aTokenTheMcpServerRefusesIsReplacedThroughTheRefreshToken() {
		withAuthorization(runner(), (authorization) -> {
			String first = authorization.accessToken();
			assertThat(authorization.onErrorResponse(401, List.of("Bearer"), "Bearer " + first)).isTrue();
			String second = authorization.accessToken();
			assertThat(second).isNotEqualTo(first);
			assertThat(this.server.authorizeRequests()).hasSize(1);
			assertThat(this.server.tokenRequests().get(1).form()).containsEntry("grant_type", "refresh_token");
			assertThat(authorization.onErrorResponse(401, List.of("Bearer"), "Bearer " + second))
				.as("a replacement refused at once gets no successor")
				.isFalse();
		});
	}

	@Test
	void withoutARefreshTokenARefusedTokenIsReplacedByANewAuthorization() {
		this.server.refreshTokens = false;
		withAuthorization(runner(), (authorization) -> {
			String first = authorization.accessToken();
			assertThat(authorization.onErrorResponse(401, List.of("Bearer"), "Bearer " + first)).isTrue();
			assertThat(authorization.accessToken()).isNotEqualTo(first);
			assertThat(this.server.authorizeRequests()).hasSize(2);
		});
	}

	@Test
	void aPreRegisteredConfidentialClientAuthenticatesWithItsSecret() {
		this.server.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_post"));
		withAuthorization(runner("client-id=pre", "client-secret=pre-secret"), (authorization) -> {
			authorization.accessToken();
			assertThat(this.server.registrations()).isEmpty();
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("client_id", "pre")
				.containsEntry("client_secret", "pre-secret");
		});
	}

	@Test
	void noCodeVerifierSecretOrTokenReachesTheLogsWithEveryLoggerAtDebug(CapturedOutput output) {
		org.springframework.boot.logging.LoggingSystem logging = org.springframework.boot.logging.LoggingSystem
			.get(getClass().getClassLoader());
		org.springframework.boot.logging.LogLevel root = logging
			.getLoggerConfiguration(org.springframework.boot.logging.LoggingSystem.ROOT_LOGGER_NAME)
			.getConfiguredLevel();
		logging.setLogLevel(org.springframework.boot.logging.LoggingSystem.ROOT_LOGGER_NAME,
				org.springframework.boot.logging.LogLevel.DEBUG);
		logging.setLogLevel("dev.mcpoauth", org.springframework.boot.logging.LogLevel.TRACE);
		this.server.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_post"));
		this.server.expiresIn = 2;
		try {
			withAuthorization(runner(), (authorization) -> {
				String first = authorization.accessToken();
				sleep(1200);
				String second = authorization.accessToken();
				Map<String, String> exchange = this.server.tokenRequests().get(0).form();
				assertThat(exchange).containsEntry("client_secret", "dyn-secret");
				assertThat(output).contains("registered at " + this.server.issuer())
					.doesNotContain(exchange.get("code"))
					.doesNotContain(exchange.get("code_verifier"))
					.doesNotContain("dyn-secret")
					.doesNotContain(first)
					.doesNotContain(second)
					.doesNotContain(this.server.tokenRequests().get(1).form().get("refresh_token"));
			});
		}
		finally {
			logging.setLogLevel(org.springframework.boot.logging.LoggingSystem.ROOT_LOGGER_NAME, root);
			logging.setLogLevel("dev.mcpoauth", null);
		}
	}

	private static Map<String, Object> parse(String json) {
		try {
			return JSONObjectUtils.parse(json);
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
