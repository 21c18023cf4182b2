package dev.mcpoauth.server.web;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opaque tokens (RFC 7662) in a running servlet application, over real HTTP on loopback, against an introspection
 * endpoint whose answers each test sets: the endpoint discovered from the issuer's metadata on first use, the
 * client authenticated with its secret, each rule a JWT passes applied to the answer (each refused with its own
 * description), scopes for the endpoint and per tool, signed JWTs verified locally and never introspected, the
 * cache, and an endpoint that fails in every way answered 401, never 5xx, within the timeout.
 */
@ExtendWith(OutputCaptureExtension.class)
class IntrospectionWebTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String RESOURCE = "https://mcp.example/mcp";

	private static final String CLIENT_SECRET = "s3cr:et/+";

	private static final String NOT_CHECKED = "error_description=\"The access token could not be checked\"";

	private static final StubHttpServer idp = new StubHttpServer();

	private static final RSAKey key = Jwts.rsa();

	private static final AtomicReference<Function<Request, Response>> introspection = new AtomicReference<>();

	private static WebTestApplication.Running app;

	private static List<String> requestsAtStartUp;

	@BeforeAll
	static void start() {
		idp.serve("/.well-known/oauth-authorization-server",
				"{\"issuer\":\"" + idp.url() + "\",\"jwks_uri\":\"" + idp.url() + "/jwks\",\"introspection_endpoint\":\""
						+ idp.url() + "/introspect\"}")
			.serve("/jwks", Jwts.jwks(key.toPublicJWK()))
			.handle("/introspect", (request) -> introspection.get().apply(request))
			.handle("/elsewhere", (request) -> Response.json(answer((claims) -> {
			})));
		app = WebTestApplication.start(properties());
		requestsAtStartUp = idp.requests();
	}

	private static String[] properties(String... more) {
		List<String> all = new java.util.ArrayList<>(List.of("mcp.oauth.server.issuer-uri=" + idp.url(),
				"mcp.oauth.server.resource=" + RESOURCE, "mcp.oauth.server.required-scopes=mcp:tools",
				"mcp.oauth.server.tool-scopes.admin=mcp:admin", "mcp.oauth.server.introspection.client-id=mcp-server",
				"mcp.oauth.server.introspection.client-secret=" + CLIENT_SECRET,
				"mcp.oauth.server.introspection.connect-timeout=1s", "mcp.oauth.server.introspection.timeout=2s"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		idp.close();
	}

	@BeforeEach
	void answerActive() {
		introspection.set((request) -> Response.json(answer((claims) -> {
		})));
	}

	/** An answer for an active token issued for the resource, with {@code mcp:tools}, adjusted by the test. */
	static String answer(Consumer<Map<String, Object>> adjust) {
		long now = Instant.now().getEpochSecond();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("active", true);
		claims.put("sub", "user-1");
		claims.put("client_id", "mcp-client");
		claims.put("iss", idp.url());
		claims.put("aud", RESOURCE);
		claims.put("scope", "mcp:tools");
		claims.put("token_type", "Bearer");
		claims.put("iat", now);
		claims.put("exp", now + 300);
		adjust.accept(claims);
		return JSON.writeValueAsString(claims);
	}

	private static String opaque() {
		return "opaque-" + UUID.randomUUID();
	}

	private static long introspections() {
		return idp.requestsFor("/introspect");
	}

	private static HttpResponse<String> post(String url, String token, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String token) throws Exception {
		return post(app.url() + "/mcp", token, "{}");
	}

	private static String challenge(HttpResponse<String> response) {
		return response.headers().firstValue("WWW-Authenticate").orElseThrow();
	}

	@Test
	void anActiveTokenIsAcceptedAfterAskingTheDiscoveredEndpointWithTheClientsCredentials() throws Exception {
		assertThat(requestsAtStartUp).as("nothing is fetched at start-up").isEmpty();
		assertThat(app.context().containsBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN)).isTrue();
		String token = opaque();
		long before = introspections();
		HttpResponse<String> response = post(token);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("ok:{}");
		assertThat(introspections() - before).isOne();
		Request request = idp.requestsTo("/introspect").get(idp.requestsTo("/introspect").size() - 1);
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.form()).containsEntry("token", token)
			.containsEntry("token_type_hint", "access_token")
			.doesNotContainKeys("client_secret", "client_id");
		String encoded = URLEncoder.encode("mcp-server", StandardCharsets.UTF_8) + ":"
				+ URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8);
		assertThat(request.header("Authorization"))
			.isEqualTo("Basic " + Base64.getEncoder().encodeToString(encoded.getBytes(StandardCharsets.UTF_8)));
		assertThat(idp.requests()).as("the endpoint was discovered from the issuer's metadata, on first use")
			.contains("/.well-known/oauth-authorization-server");
	}

	static Stream<Arguments> refusedAnswers() {
		long now = Instant.now().getEpochSecond();
		return Stream.of(
				refused("inactive", (claims) -> claims.put("active", false), "The access token is not active"),
				refused("active missing", (claims) -> claims.remove("active"), "The access token is not active"),
				refused("active as a string", (claims) -> claims.put("active", "yes"), "The access token is not active"),
				refused("no exp", (claims) -> claims.remove("exp"), "The access token has no expiry (exp)"),
				refused("expired", (claims) -> {
					claims.put("iat", now - 900);
					claims.put("exp", now - 120);
				}, "The access token has expired (exp)"),
				refused("not valid yet", (claims) -> claims.put("nbf", now + 600), "The access token is not valid yet (nbf)"),
				refused("exp before iat", (claims) -> claims.put("iat", now + 400),
						"The access token's lifetime is not valid (iat, exp)"),
				refused("another issuer", (claims) -> claims.put("iss", "https://evil.example"),
						"The access token was not issued by a trusted issuer (iss)"),
				refused("another audience", (claims) -> claims.put("aud", List.of("https://other.example/mcp")),
						"The access token was not issued for this resource (aud)"),
				refused("no audience", (claims) -> claims.remove("aud"),
						"The access token was not issued for this resource (aud)"),
				refused("a refresh token", (claims) -> claims.put("token_type", "refresh_token"),
						"The access token is not a bearer access token (token_type)"),
				refused("a DPoP-bound token as Bearer", (claims) -> {
					claims.put("token_type", "DPoP");
					claims.put("cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
				}, "The access token is not a bearer access token (token_type)"),
				refused("a key-bound token", (claims) -> claims.put("cnf", Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")),
						"The access token is bound to a key (cnf)"),
				refused("a Keycloak refresh token", (claims) -> {
					claims.remove("token_type");
					claims.put("typ", "Refresh");
				}, "The token is not an access token (typ)"),
				refused("a Keycloak ID token", (claims) -> claims.put("typ", "ID"), "The token is not an access token (typ)"));
	}

	private static Arguments refused(String name, Consumer<Map<String, Object>> adjust, String description) {
		return Arguments.of(name, adjust, description);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusedAnswers")
	void eachRuleRefusesTheTokenWithItsOwnDescription(String name, Consumer<Map<String, Object>> adjust,
			String description, CapturedOutput output) throws Exception {
		String answer = answer(adjust);
		introspection.set((request) -> Response.json(answer));
		String token = opaque();
		HttpResponse<String> response = post(token);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(challenge(response)).startsWith("Bearer error=\"invalid_token\"")
			.contains("error_description=\"" + description);
		HttpResponse<String> again = post(token);
		assertThat(again.statusCode()).as("a refusal is not cached as a success").isEqualTo(401);
		assertThat(output).doesNotContain(token);
	}

	@Test
	void introspectedScopesAreTheSameAuthoritiesAsAJwtsForTheEndpointAndForTools() throws Exception {
		String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"admin\"}}";
		introspection.set((request) -> Response.json(answer((claims) -> claims.put("scope", "other"))));
		HttpResponse<String> noScope = post(app.url() + "/mcp", opaque(), "{}");
		assertThat(noScope.statusCode()).isEqualTo(403);
		assertThat(challenge(noScope)).contains("error=\"insufficient_scope\"").contains("scope=\"mcp:tools\"");
		introspection.set((request) -> Response.json(answer((claims) -> {
		})));
		HttpResponse<String> toolsOnly = post(app.url() + "/mcp", opaque(), call);
		assertThat(toolsOnly.statusCode()).isEqualTo(403);
		assertThat(challenge(toolsOnly)).contains("scope=\"mcp:tools mcp:admin\"");
		introspection.set((request) -> Response.json(answer((claims) -> claims.put("scope", "mcp:tools mcp:admin"))));
		assertThat(post(app.url() + "/mcp", opaque(), call).body()).isEqualTo("ok:" + call);
		introspection.set((request) -> Response.json(answer((claims) -> {
			claims.remove("scope");
			claims.put("scp", List.of("mcp:tools", "mcp:admin"));
		})));
		assertThat(post(app.url() + "/mcp", opaque(), call).body()).as("scp as a list, as Okta answers")
			.isEqualTo("ok:" + call);
	}

	@Test
	void signedJwtsAreVerifiedLocallyAndNeverIntrospectedEvenWhenTheyFail() throws Exception {
		long before = introspections();
		String jwt = Jwts.sign(key, idp.url(), RESOURCE);
		assertThat(post(jwt).statusCode()).isEqualTo(200);
		assertThat(post(Jwts.tampered(jwt)).statusCode()).as("a bad signature").isEqualTo(401);
		assertThat(post(Jwts.sign(Jwts.rsa(), idp.url(), RESOURCE)).statusCode()).as("an unknown key").isEqualTo(401);
		assertThat(post(Jwts.sign(key, idp.url(), "https://other.example/mcp")).statusCode()).isEqualTo(401);
		assertThat(introspections()).as("no JWT went to introspection").isEqualTo(before);
		assertThat(post(opaque()).statusCode()).isEqualTo(200);
		assertThat(introspections()).as("an opaque token did").isEqualTo(before + 1);
	}

	@Test
	void anAcceptedAnswerIsCachedForARepeatedTokenButNeverPastItsExp() throws Exception {
		String token = opaque();
		long before = introspections();
		for (int i = 0; i < 3; i++) {
			assertThat(post(token).statusCode()).isEqualTo(200);
		}
		assertThat(introspections() - before).as("one introspection for three requests").isOne();
		Instant expiresAt = Instant.now().plusSeconds(2);
		introspection.set((request) -> Response.json(answer((claims) -> {
			claims.put("iat", expiresAt.getEpochSecond() - 60);
			claims.put("exp", expiresAt.getEpochSecond());
		})));
		String shortLived = opaque();
		assertThat(post(shortLived).statusCode()).isEqualTo(200);
		assertThat(post(shortLived).statusCode()).isEqualTo(200);
		assertThat(introspections() - before).as("cached before exp").isEqualTo(2);
		Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 1100);
		assertThat(post(shortLived).statusCode()).as("within the clock skew, still accepted").isEqualTo(200);
		assertThat(introspections() - before).as("past exp the endpoint is asked again, within the 60s TTL")
			.isEqualTo(3);
	}

	static Stream<Arguments> failingEndpoints() {
		return Stream.of(Arguments.of("HTTP 500", (Function<Request, Response>) (request) -> new Response(500,
				"{\"error\":\"server_error\"}", Map.of())),
				Arguments.of("HTTP 401, wrong client credentials",
						(Function<Request, Response>) (request) -> new Response(401, "{\"error\":\"invalid_client\"}",
								Map.of())),
				Arguments.of("HTTP 503 with HTML", (Function<Request, Response>) (request) -> new Response(503,
						"<html>down</html>", Map.of("Content-Type", "text/html"))),
				Arguments.of("not JSON", (Function<Request, Response>) (request) -> Response.json("<html>hello</html>")),
				Arguments.of("a JSON array", (Function<Request, Response>) (request) -> Response.json("[true]")),
				Arguments.of("an empty body", (Function<Request, Response>) (request) -> Response.json("")),
				Arguments.of("oversized", (Function<Request, Response>) (request) -> Response
					.json(answer((claims) -> claims.put("padding", "x".repeat(70 * 1024))))),
				Arguments.of("exp not a number", (Function<Request, Response>) (request) -> Response
					.json(answer((claims) -> claims.put("exp", "tomorrow")))),
				Arguments.of("a redirect elsewhere", (Function<Request, Response>) (request) -> new Response(307, "",
						Map.of("Location", idp.url() + "/elsewhere"))),
				Arguments.of("slower than the timeout", (Function<Request, Response>) (request) -> Response
					.slow(Duration.ofMillis(4000), Response.json(answer((claims) -> {
					})))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("failingEndpoints")
	void anEndpointThatFailsGives401WithinTheTimeoutAndAWarningWithoutTheToken(String name,
			Function<Request, Response> failure, CapturedOutput output) throws Exception {
		introspection.set(failure);
		String token = opaque();
		long elapsed = System.nanoTime();
		HttpResponse<String> response = post(token);
		elapsed = (System.nanoTime() - elapsed) / 1_000_000;
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(challenge(response)).contains("error=\"invalid_token\"").contains(NOT_CHECKED);
		assertThat(elapsed).as("the request waited at most the 2s timeout").isLessThan(3500);
		assertThat(output).contains("WARN")
			.contains("Access token could not be checked at the introspection endpoint")
			.doesNotContain(token)
			.doesNotContain(CLIENT_SECRET);
		assertThat(idp.requestsFor("/elsewhere")).as("redirects are never followed").isZero();
	}

	@Test
	void modeAllIntrospectsSignedJwtsToo() throws Exception {
		try (WebTestApplication.Running all = WebTestApplication.start(properties("mcp.oauth.server.introspection.mode=all"))) {
			assertThat(all.context().containsBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN)).isFalse();
			String jwt = Jwts.sign(key, idp.url(), RESOURCE);
			long before = introspections();
			assertThat(post(all.url() + "/mcp", jwt, "{}").statusCode()).isEqualTo(200);
			assertThat(introspections() - before).isOne();
			introspection.set((request) -> Response.json(answer((claims) -> claims.put("active", false))));
			HttpResponse<String> revoked = post(all.url() + "/mcp", Jwts.sign(key, idp.url(), RESOURCE), "{}");
			assertThat(revoked.statusCode()).as("a JWT that verifies but that the server says is revoked")
				.isEqualTo(401);
			assertThat(challenge(revoked)).contains("The access token is not active");
		}
	}

	@Test
	void withoutAKeySourceEveryTokenIsIntrospectedAtTheConfiguredEndpoint() throws Exception {
		try (WebTestApplication.Running only = WebTestApplication.start("mcp.oauth.server.resource=" + RESOURCE,
				"mcp.oauth.server.authorization-servers=" + idp.url(),
				"mcp.oauth.server.introspection.endpoint=" + idp.url() + "/introspect",
				"mcp.oauth.server.introspection.client-id=mcp-server",
				"mcp.oauth.server.introspection.client-secret=" + CLIENT_SECRET,
				"mcp.oauth.server.introspection.client-authentication-method=client_secret_post")) {
			assertThat(only.context().containsBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN)).isFalse();
			long before = introspections();
			assertThat(post(only.url() + "/mcp", Jwts.sign(key, idp.url(), RESOURCE), "{}").statusCode())
				.isEqualTo(200);
			assertThat(introspections() - before).isOne();
			Map<String, String> form = idp.requestsTo("/introspect").get(idp.requestsTo("/introspect").size() - 1).form();
			assertThat(form).containsEntry("client_id", "mcp-server").containsEntry("client_secret", CLIENT_SECRET);
			introspection.set((request) -> Response.json(answer((claims) -> claims.put("iss", "https://evil.example"))));
			assertThat(post(only.url() + "/mcp", opaque(), "{}").statusCode())
				.as("iss must be one of authorization-servers").isEqualTo(401);
		}
	}

	@Test
	void anEndpointThatIsDownGives401AtOnce(CapturedOutput output) throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		try (WebTestApplication.Running down = WebTestApplication.start("mcp.oauth.server.resource=" + RESOURCE,
				"mcp.oauth.server.authorization-servers=" + idp.url(),
				"mcp.oauth.server.introspection.endpoint=http://127.0.0.1:" + closedPort + "/introspect",
				"mcp.oauth.server.introspection.client-id=mcp-server",
				"mcp.oauth.server.introspection.client-secret=" + CLIENT_SECRET)) {
			String token = opaque();
			HttpResponse<String> response = post(down.url() + "/mcp", token, "{}");
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(challenge(response)).contains(NOT_CHECKED);
			assertThat(output).contains("No answer from the introspection endpoint").doesNotContain(token);
		}
	}

}
