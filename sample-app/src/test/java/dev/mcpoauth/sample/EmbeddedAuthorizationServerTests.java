package dev.mcpoauth.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import dev.mcpoauth.Jwts;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sample on its default profile: a real MCP server whose tokens come from the authorization server in the same
 * application. Real HTTP on loopback, a real MCP Java SDK client, and tokens that the real authorization server
 * issued or that the test signed with the authorization server's own key to make them hostile.
 */
@SpringBootTest(classes = { SampleApplication.class, EmbeddedAuthorizationServerTests.KeyFetchCounter.class },
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class EmbeddedAuthorizationServerTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	static final String MCP = BASE + "/mcp";

	static final String METADATA_URL = BASE + "/.well-known/oauth-protected-resource/mcp";

	static final String CHALLENGE_401 = "Bearer resource_metadata=\"" + METADATA_URL + "\", scope=\"mcp:tools\"";

	static final TestTokens TOKENS = new TestTokens(BASE, MCP);

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	JWKSource<SecurityContext> authorizationServerKeys;

	@Autowired
	AtomicInteger keyFetches;

	RSAKey serverKey;

	@BeforeEach
	void serverKey() {
		this.serverKey = TestTokens.signingKey(this.authorizationServerKeys);
	}

	String token(String scope) {
		return Http.clientCredentialsToken(BASE + "/oauth2/token", "sample-client", "sample-secret", scope);
	}

	@Test
	void mcpClientListsToolsAndTheToolSeesTheCaller() {
		String token = token("mcp:tools");
		try (McpSyncClient client = McpClients.withToken(BASE, () -> token)) {
			client.initialize();
			assertThat(client.listTools().tools()).extracting(Tool::name).contains("whoami", "admin-report");
			CallToolResult result = client.callTool(new CallToolRequest("whoami", Map.of()));
			assertThat(text(result)).isEqualTo("subject=sample-client audience=[" + MCP + "] scopes=mcp:tools");
		}
	}

	@Test
	void toolWithExtraScopeNeedsIt() {
		String narrow = token("mcp:tools");
		try (McpSyncClient client = McpClients.withToken(BASE, () -> narrow)) {
			client.initialize();
			assertThatThrownBy(() -> client.callTool(new CallToolRequest("admin-report", Map.of())))
				.isInstanceOfSatisfying(McpHttpClientTransportAuthorizationException.class,
						(ex) -> assertThat(ex.getResponseInfo().statusCode()).isEqualTo(403));
		}
		String wide = token("mcp:tools mcp:admin");
		try (McpSyncClient client = McpClients.withToken(BASE, () -> wide)) {
			client.initialize();
			assertThat(text(client.callTool(new CallToolRequest("admin-report", Map.of()))))
				.startsWith("admin report for subject=sample-client");
		}
	}

	@Test
	void insufficientScopeChallengeNamesEveryScopeTheCallNeeds() {
		HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(MCP))
			.header("Authorization", "Bearer " + token("mcp:tools"))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(
					"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"admin-report\"}}")));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(
				"Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a scope this request needs\", "
						+ "scope=\"mcp:tools mcp:admin\", resource_metadata=\"" + METADATA_URL + "\"");
	}

	@Test
	void tokenWithoutTheEndpointScopeGets403NamingIt() {
		HttpResponse<String> response = Http.initialize(MCP,
				"Bearer " + TOKENS.sign(this.serverKey, (claims) -> claims.claim("scope", "other")));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(
				"Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a scope this request needs\", "
						+ "scope=\"mcp:tools\", resource_metadata=\"" + METADATA_URL + "\"");
	}

	@Test
	void missingTokenGetsTheExactChallenge() {
		HttpResponse<String> response = Http.initialize(MCP, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(CHALLENGE_401);
		assertThat(response.body()).isEmpty();
	}

	@Test
	void tokenInQueryStringOrFormBodyIsIgnored() {
		String token = token("mcp:tools");
		HttpResponse<String> query = Http.initialize(MCP + "?access_token=" + token, null);
		assertThat(query.statusCode()).isEqualTo(401);
		assertThat(query.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE_401);
		HttpResponse<String> form = Http.send(HttpRequest.newBuilder(URI.create(MCP))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("access_token=" + token)));
		assertThat(form.statusCode()).isEqualTo(401);
		assertThat(form.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE_401);
	}

	static Stream<Arguments> acceptedTokens() {
		return Stream.of(Arguments.of("typ absent", (Function<EmbeddedAuthorizationServerTests, String>) (t) -> TOKENS
			.sign(t.serverKey, (claims) -> {
			})), Arguments.of("typ JWT", (Function<EmbeddedAuthorizationServerTests, String>) (t) -> TOKENS
				.sign(t.serverKey, JOSEObjectType.JWT, (claims) -> {
				})),
				Arguments.of("typ at+jwt", (Function<EmbeddedAuthorizationServerTests, String>) (t) -> TOKENS
					.sign(t.serverKey, new JOSEObjectType("at+jwt"), (claims) -> {
					})),
				Arguments.of("scp array instead of scope",
						(Function<EmbeddedAuthorizationServerTests, String>) (t) -> TOKENS.sign(t.serverKey,
								(claims) -> claims.claim("scope", null).claim("scp", List.of("mcp:tools")))),
				Arguments.of("audience among others",
						(Function<EmbeddedAuthorizationServerTests, String>) (t) -> TOKENS.sign(t.serverKey,
								(claims) -> claims.audience(List.of("https://other.example", MCP)))),
				Arguments.of("expired within clock skew",
						(Function<EmbeddedAuthorizationServerTests, String>) (t) -> TOKENS.sign(t.serverKey,
								(claims) -> claims.issueTime(secondsFromNow(-600)).expirationTime(secondsFromNow(-30)))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("acceptedTokens")
	void acceptsValidTokens(String name, Function<EmbeddedAuthorizationServerTests, String> token) {
		HttpResponse<String> response = Http.initialize(MCP, "Bearer " + token.apply(this));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"serverInfo\"");
	}

	static Stream<Arguments> rejectedTokens() {
		return Stream.of(
				rejected("expired", (t) -> TOKENS.sign(t.serverKey, (c) -> c.issueTime(secondsFromNow(-600)).expirationTime(secondsFromNow(-120))),
						"Jwt expired at"),
				rejected("no exp", (t) -> TOKENS.sign(t.serverKey, (c) -> c.expirationTime(null)), "exp is required"),
				rejected("not yet valid", (t) -> TOKENS.sign(t.serverKey, (c) -> c.notBeforeTime(secondsFromNow(300))),
						"Jwt used before"),
				rejected("wrong issuer", (t) -> TOKENS.sign(t.serverKey, (c) -> c.issuer("https://evil.example")),
						"iss"),
				rejected("no issuer", (t) -> TOKENS.sign(t.serverKey, (c) -> c.issuer(null)), "iss"),
				rejected("wrong audience", (t) -> TOKENS.sign(t.serverKey, (c) -> c.audience("https://other.example/mcp")),
						"(aud)"),
				rejected("audience of the server root, not the endpoint",
						(t) -> TOKENS.sign(t.serverKey, (c) -> c.audience(BASE)), "(aud)"),
				rejected("no audience", (t) -> TOKENS.sign(t.serverKey, (c) -> c.audience((String) null)), "(aud)"),
				rejected("alg none", (t) -> TOKENS.unsigned(), "malformed"),
				rejected("HS256 signed with the RSA public key", (t) -> TOKENS.hmacWithPublicKey(t.serverKey),
						"malformed"),
				rejected("unknown kid from another key", (t) -> TOKENS.sign(Jwts.rsa(), (c) -> {
				}), "malformed"),
				rejected("other key with the server's kid",
						(t) -> TOKENS.sign(new RSAKey.Builder(Jwts.rsa()).keyID(t.serverKey.getKeyID())
							.build(), (c) -> {
							}),
						"malformed"),
				rejected("tampered signature", (t) -> Jwts.tampered(TOKENS.sign(t.serverKey, (c) -> {
				})), "malformed"),
				rejected("ID-JAG typ", (t) -> TOKENS.sign(t.serverKey, new JOSEObjectType("oauth-id-jag+jwt"), (c) -> {
				}), "typ"),
				rejected("ID token typ", (t) -> TOKENS.sign(t.serverKey, new JOSEObjectType("id_token+jwt"), (c) -> {
				}), "typ"),
				rejected("garbage", (t) -> "not-a-jwt", "malformed"),
				rejected("three garbage segments", (t) -> "abc.def.ghi", "malformed"));
	}

	static Arguments rejected(String name, Function<EmbeddedAuthorizationServerTests, String> token,
			String description) {
		return Arguments.of(name, token, description);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejectedTokens")
	void rejectsInvalidTokensWith401InvalidToken(String name, Function<EmbeddedAuthorizationServerTests, String> token,
			String description) {
		HttpResponse<String> response = Http.initialize(MCP, "Bearer " + token.apply(this));
		assertThat(response.statusCode()).isEqualTo(401);
		String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
		assertThat(challenge).startsWith("Bearer error=\"invalid_token\", error_description=\"")
			.contains(description)
			.endsWith(", resource_metadata=\"" + METADATA_URL + "\", scope=\"mcp:tools\"")
			.doesNotContain("Exception", "nimbus", "Nimbus");
		assertThat(response.body()).isEmpty();
	}

	@Test
	void emptyOrMalformedBearerHeaderIs401() {
		for (String header : new String[] { "Bearer ", "Bearer a b", "Bearer \"quoted\"" }) {
			HttpResponse<String> response = Http.initialize(MCP, header);
			assertThat(response.statusCode()).as(header).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).as(header)
				.startsWith("Bearer error=\"invalid_token\"");
		}
	}

	@Test
	void tokensOfTheInProcessAuthorizationServerAreVerifiedWithoutHttp() {
		int before = this.keyFetches.get();
		for (int i = 0; i < 3; i++) {
			assertThat(Http.initialize(MCP, "Bearer " + token("mcp:tools")).statusCode()).isEqualTo(200);
		}
		assertThat(this.keyFetches.get()).isEqualTo(before);
	}

	@Test
	void servesProtectedResourceMetadataAtBothPaths() {
		for (String url : new String[] { METADATA_URL, BASE + "/.well-known/oauth-protected-resource" }) {
			HttpResponse<String> response = Http.get(url);
			assertThat(response.statusCode()).as(url).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
			assertThat(Http.json(response.body())).as(url)
				.containsExactlyInAnyOrderEntriesOf(Map.of("resource", MCP, "authorization_servers", List.of(BASE),
						"scopes_supported", List.of("mcp:tools", "mcp:admin"), "bearer_methods_supported",
						List.of("header"), "resource_name", "mcp-oauth sample MCP server"));
		}
	}

	@Test
	void metadataIsCorsEnabledForGet() {
		HttpResponse<String> get = Http.get(METADATA_URL, "Origin", "https://client.example");
		assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
		HttpResponse<String> preflight = Http.send(HttpRequest.newBuilder(URI.create(METADATA_URL))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://client.example")
			.header("Access-Control-Request-Method", "GET"));
		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("GET");
	}

	@Test
	void metadataIsPublicEvenWithABadToken() {
		HttpResponse<String> response = Http.get(METADATA_URL, "Authorization", "Bearer not-a-jwt");
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void unknownMetadataPathIs404() {
		assertThat(Http.get(BASE + "/.well-known/oauth-protected-resource/other").statusCode()).isEqualTo(404);
	}

	@Test
	void otherPathsStayWithTheApplicationsOwnChains() {
		HttpResponse<String> response = Http.get(BASE + "/private");
		assertThat(response.statusCode()).isIn(302, 401);
		assertThat(Http.get(BASE + "/.well-known/openid-configuration").statusCode()).isEqualTo(200);
	}

	static String text(CallToolResult result) {
		return ((TextContent) result.content().get(0)).text();
	}

	static java.util.Date secondsFromNow(long seconds) {
		return java.util.Date.from(java.time.Instant.now().plusSeconds(seconds));
	}

	/**
	 * Counts requests for the authorization server's keys or discovery documents, so a test can prove that
	 * tokens are verified in-process.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class KeyFetchCounter {

		@Bean
		AtomicInteger keyFetches() {
			return new AtomicInteger();
		}

		@Bean
		FilterRegistrationBean<Filter> keyFetchCountingFilter(AtomicInteger keyFetches) {
			Filter filter = (request, response, chain) -> {
				String uri = ((HttpServletRequest) request).getRequestURI();
				if (uri.startsWith("/oauth2/jwks") || uri.startsWith("/.well-known/openid-configuration")
						|| uri.startsWith("/.well-known/oauth-authorization-server")) {
					keyFetches.incrementAndGet();
				}
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
