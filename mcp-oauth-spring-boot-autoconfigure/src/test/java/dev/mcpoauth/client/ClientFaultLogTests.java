package dev.mcpoauth.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.ECKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubEnterpriseIdp;
import dev.mcpoauth.StubMcpAuthorizationServer;
import dev.mcpoauth.StubHttpServer.Response;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Faults of the authorization server, met by each way the client authenticates ({@code client_secret_basic},
 * {@code client_secret_post}, {@code private_key_jwt}): every fault ends within a bounded time in a typed
 * {@link McpOAuthClientException} carrying the OAuth error and HTTP status (or, for a token without
 * {@code expires_in}, in that token being reused as documented), and with every logger at DEBUG and the exception
 * logged with its stack trace as an application would, the captured output holds no client secret, no private key,
 * no client assertion and no access token. The same holds for cross-app access when the identity provider refuses
 * the exchange (the ID token) or the MCP server's authorization server refuses the ID-JAG.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientFaultLogTests {

	private static final String SECRET = "s3cret-" + UUID.randomUUID();

	private static final ECKey KEY = Jwts.ec();

	private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

	private static final Log applicationLog = LogFactory.getLog(ClientFaultLogTests.class);

	private final StubAuthorizationServer server = new StubAuthorizationServer();

	private final List<String> issuedTokens = new ArrayList<>();

	private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

	private LogLevel rootLevel;

	private Fault fault;

	@TempDir
	Path temp;

	/**
	 * A fault of the token endpoint.
	 *
	 * @param name what goes wrong
	 * @param answer the token endpoint's answer, given a fresh access token it may carry
	 * @param error the expected OAuth error code, or {@code null} when a token is expected
	 * @param status the expected HTTP status on the exception (0 when no answer was usable; unused for a token)
	 */
	record Fault(String name, Function<String, Response> answer, String error, int status) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Arguments> faults() {
		List<Fault> faults = List.of(
				new Fault("400 invalid_request", (token) -> error(400, "invalid_request"), "invalid_request", 400),
				new Fault("400 invalid_scope", (token) -> error(400, "invalid_scope"), "invalid_scope", 400),
				new Fault("401 invalid_client", (token) -> error(401, "invalid_client"), "invalid_client", 401),
				new Fault("429 HTML with Retry-After",
						(token) -> new Response(429, "<html>slow down</html>", Map.of("Retry-After", "7")),
						"invalid_error_response", 429),
				new Fault("500 server_error", (token) -> error(500, "server_error"), "server_error", 500),
				new Fault("503 HTML", (token) -> new Response(503, "<html>down</html>", Map.of()),
						"invalid_error_response", 503),
				new Fault("truncated JSON carrying a token",
						(token) -> Response.json("{\"access_token\":\"" + token + "\",\"token_type\":"),
						"invalid_token_response", 0),
				new Fault("a token without token_type",
						(token) -> Response.json("{\"access_token\":\"" + token + "\",\"expires_in\":60}"),
						"invalid_token_response", 0),
				new Fault("an answer slower than the read timeout",
						(token) -> Response.slow(Duration.ofSeconds(3), token(token, ",\"expires_in\":60")),
						"token_endpoint_unreachable", 0),
				new Fault("a token without expires_in", (token) -> token(token, ""), null, 0));
		return faults.stream()
			.flatMap((fault) -> Stream.of("client_secret_basic", "client_secret_post", "private_key_jwt")
				.map((method) -> Arguments.of(fault, method)));
	}

	private static Response error(int status, String error) {
		return new Response(status, "{\"error\":\"" + error + "\",\"error_description\":\"Refused by the stub\"}",
				Map.of());
	}

	private static Response token(String token, String more) {
		return Response.json("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\"" + more + "}");
	}

	@BeforeEach
	void everyLoggerAtDebug() {
		this.rootLevel = this.logging.getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME).getConfiguredLevel();
		this.logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.DEBUG);
		this.logging.setLogLevel("dev.mcpoauth", LogLevel.TRACE);
		this.server.tokenResponse.set((request) -> {
			String token = "at-" + UUID.randomUUID();
			synchronized (this.issuedTokens) {
				this.issuedTokens.add(token);
			}
			return this.fault.answer().apply(token);
		});
	}

	@AfterEach
	void stop() {
		this.server.close();
		this.logging.setLogLevel("dev.mcpoauth", null);
		this.logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, this.rootLevel);
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("faults")
	void endsInATypedErrorWithinBoundsAndLogsNothingConfidential(Fault fault, String method, CapturedOutput output)
			throws Exception {
		this.fault = fault;
		assertTimeoutPreemptively(Duration.ofSeconds(5), () -> runner(method).run((context) -> {
			assertThat(context).hasNotFailed();
			McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
			if (fault.error() == null) {
				String token = authorization.accessToken();
				assertThat(authorization.accessToken()).as("reused while the server accepts it").isEqualTo(token);
				assertThat(this.server.tokenRequests()).hasSize(1);
				return;
			}
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> {
					assertThat(ex.getRegistration()).isEqualTo("s");
					assertThat(ex.getError()).isEqualTo(fault.error());
					assertThat(ex.getHttpStatus()).isEqualTo(fault.status());
					applicationLog.error("Calling the MCP server failed", ex);
				});
		}));
		applicationLog.debug("capture check " + method);
		assertThat(output.getAll()).as("the capture sees DEBUG lines").contains("capture check " + method);
		assertThat(this.server.tokenRequests()).as("the fault was met").isNotEmpty();
		assertThat(output.getAll()).doesNotContain(confidential(method));
	}

	@Test
	void anIdentityProviderRefusingTheExchangeLogsNeitherTheIdTokenNorTheSecret(CapturedOutput output) {
		try (StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-" + SECRET, "client-1");
				StubMcpAuthorizationServer mcp = new StubMcpAuthorizationServer(idp, "client-1", SECRET)
					.withProtectedResource("[\"a\"]")) {
			idp.override(error(400, "invalid_grant"));
			String idToken = idp.idToken("alice");
			crossAppAccess(idp, mcp, idToken, SECRET, "invalid_grant");
			assertThat(idp.exchanges()).isEqualTo(1);
			assertThat(output.getAll()).doesNotContain(idToken, SECRET, "idp-" + SECRET, basic("idp-client", "idp-" + SECRET));
		}
	}

	@Test
	void anAuthorizationServerRefusingTheIdJagLogsNeitherItNorTheIdToken(CapturedOutput output) {
		try (StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-" + SECRET, "client-1");
				StubMcpAuthorizationServer mcp = new StubMcpAuthorizationServer(idp, "client-1", "another-secret")
					.withProtectedResource("[\"a\"]")) {
			idp.expect(mcp.issuer(), mcp.issuer() + "/mcp", "a");
			String idToken = idp.idToken("alice");
			crossAppAccess(idp, mcp, idToken, SECRET, "invalid_request");
			assertThat(mcp.assertions()).as("an ID-JAG was sent").hasSize(1).doesNotContainNull();
			assertThat(output.getAll()).doesNotContain(idToken, mcp.assertions().get(0), SECRET, "idp-" + SECRET,
					basic("client-1", SECRET), basic("idp-client", "idp-" + SECRET));
		}
	}

	private void crossAppAccess(StubEnterpriseIdp idp, StubMcpAuthorizationServer mcp, String idToken, String secret,
			String error) {
		String prefix = "mcp.oauth.client.registrations.s.";
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withBean(IdTokenResolver.class, () -> () -> idToken)
			.withPropertyValues(prefix + "server-url=" + mcp.issuer() + "/mcp", prefix + "flow=cross-app-access",
					prefix + "client-id=client-1", prefix + "client-secret=" + secret,
					prefix + "cross-app-access.idp-token-uri=" + idp.tokenUri(),
					prefix + "cross-app-access.idp-client-id=idp-client",
					prefix + "cross-app-access.idp-client-secret=idp-" + SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
				assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
					.satisfies((ex) -> {
						assertThat(ex.getError()).isEqualTo(error);
						assertThat(ex.getHttpStatus()).isEqualTo(400);
						applicationLog.error("Calling the MCP server failed", ex);
					});
			});
	}

	private static String basic(String clientId, String secret) {
		return Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

	private ApplicationContextRunner runner(String method) throws Exception {
		String prefix = "mcp.oauth.client.registrations.s.";
		List<String> properties = new ArrayList<>(List.of(prefix + "server-url=" + this.server.mcp(),
				prefix + "client-id=client-1", prefix + "client-authentication-method=" + method,
				"mcp.oauth.client.read-timeout=" + READ_TIMEOUT.toMillis() + "ms"));
		if (method.equals("private_key_jwt")) {
			Path file = Files.writeString(this.temp.resolve("client.jwk.json"), KEY.toJSONString());
			properties.add(prefix + "private-key-location=file:" + file);
		}
		else {
			properties.add(prefix + "client-secret=" + SECRET);
		}
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
	}

	/** Everything the client holds in confidence or was sent for this test, in the forms it could be logged in. */
	private String[] confidential(String method) {
		List<String> values = new ArrayList<>(
				List.of(SECRET, basic("client-1", SECRET), KEY.getD().toString(), KEY.toJSONString()));
		List<String> assertions = this.server.tokenRequests()
			.stream()
			.map((request) -> request.form().get("client_assertion"))
			.filter((assertion) -> assertion != null)
			.toList();
		assertThat(assertions).as("client assertions sent").hasSize(
				method.equals("private_key_jwt") ? this.server.tokenRequests().size() : 0);
		for (String assertion : assertions) {
			values.add(assertion);
			values.add(assertion.substring(assertion.lastIndexOf('.') + 1));
		}
		synchronized (this.issuedTokens) {
			assertThat(this.issuedTokens).isNotEmpty();
			values.addAll(this.issuedTokens);
		}
		return values.toArray(String[]::new);
	}

}
