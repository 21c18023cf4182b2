package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTParser;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter against a real authorization server that issues opaque tokens (Spring Authorization Server with
 * reference access tokens, {@link OpaqueTokenAuthorizationServer}): its {@code introspection_endpoint} is discovered
 * from its metadata, the MCP server authenticates there with client_secret_basic, client_secret_post or
 * private_key_jwt, and accepts the server's active tokens for this resource; a token for another resource and a
 * revoked token are refused.
 */
class IntrospectionAuthorizationServerTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final String RESOURCE = "https://mcp.example/mcp";

	private static final ECKey INTROSPECTOR_KEY = Jwts.ec();

	private static final StubHttpServer introspectorJwks = new StubHttpServer();

	private static ConfigurableApplicationContext authorizationServer;

	private static String issuer;

	@TempDir
	static Path temp;

	@BeforeAll
	static void start() {
		introspectorJwks.serve("/jwks", Jwts.jwks(INTROSPECTOR_KEY.toPublicJWK()));
		authorizationServer = OpaqueTokenAuthorizationServer.start(RESOURCE, introspectorJwks.url() + "/jwks");
		issuer = OpaqueTokenAuthorizationServer.url(authorizationServer);
	}

	@AfterAll
	static void stop() {
		if (authorizationServer != null) {
			authorizationServer.close();
		}
		introspectorJwks.close();
	}

	private static WebTestApplication.Running mcpServer(String... introspection) {
		String[] base = { "mcp.oauth.server.issuer-uri=" + issuer, "mcp.oauth.server.resource=" + RESOURCE,
				"mcp.oauth.server.required-scopes=mcp:tools", "mcp.oauth.server.tool-scopes.admin=mcp:admin" };
		String[] all = new String[base.length + introspection.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(introspection, 0, all, base.length, introspection.length);
		return WebTestApplication.start(all);
	}

	@Test
	void referenceTokensAreAcceptedThroughIntrospectionWithClientSecretBasic() throws Exception {
		try (WebTestApplication.Running app = mcpServer("mcp.oauth.server.introspection.client-id=introspector-basic",
				"mcp.oauth.server.introspection.client-secret=introspector-basic-secret")) {
			String token = token("mcp-client", "mcp:tools");
			assertThatExceptionOfType(java.text.ParseException.class).as("an opaque token, not a JWT")
				.isThrownBy(() -> JWTParser.parse(token));
			assertThat(post(app, token, "{}").statusCode()).isEqualTo(200);
			String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"admin\"}}";
			HttpResponse<String> denied = post(app, token, call);
			assertThat(denied.statusCode()).isEqualTo(403);
			assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("error=\"insufficient_scope\"")
				.contains("scope=\"mcp:tools mcp:admin\"");
			assertThat(post(app, token("mcp-client", "mcp:tools mcp:admin"), call).body()).isEqualTo("ok:" + call);
		}
	}

	@Test
	void referenceTokensAreAcceptedThroughIntrospectionWithClientSecretPost() throws Exception {
		try (WebTestApplication.Running app = mcpServer("mcp.oauth.server.introspection.client-id=introspector-post",
				"mcp.oauth.server.introspection.client-secret=introspector-post-secret",
				"mcp.oauth.server.introspection.client-authentication-method=client_secret_post")) {
			assertThat(post(app, token("mcp-client", "mcp:tools"), "{}").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void referenceTokensAreAcceptedThroughIntrospectionWithPrivateKeyJwt() throws Exception {
		Path key = Files.writeString(temp.resolve("introspector.jwk.json"), INTROSPECTOR_KEY.toJSONString());
		try (WebTestApplication.Running app = mcpServer("mcp.oauth.server.introspection.client-id=introspector-jwt",
				"mcp.oauth.server.introspection.private-key-location=file:" + key)) {
			assertThat(post(app, token("mcp-client", "mcp:tools"), "{}").statusCode()).isEqualTo(200);
			assertThat(introspectorJwks.requestsFor("/jwks")).as("the server verified the client assertion")
				.isPositive();
		}
	}

	@Test
	void aTokenForAnotherResourceAndARevokedTokenAreRefused() throws Exception {
		try (WebTestApplication.Running app = mcpServer("mcp.oauth.server.introspection.client-id=introspector-basic",
				"mcp.oauth.server.introspection.client-secret=introspector-basic-secret")) {
			HttpResponse<String> other = post(app, token("other-client", "mcp:tools"), "{}");
			assertThat(other.statusCode()).isEqualTo(401);
			assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("(aud)");
			String revoked = token("mcp-client", "mcp:tools");
			HttpResponse<String> revocation = form(issuer + "/oauth2/revoke", "mcp-client",
					"token=" + revoked + "&token_type_hint=access_token");
			assertThat(revocation.statusCode()).isEqualTo(200);
			HttpResponse<String> refused = post(app, revoked, "{}");
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("The access token is not active");
		}
	}

	private static String token(String client, String scope) throws Exception {
		HttpResponse<String> response = form(issuer + "/oauth2/token", client,
				"grant_type=client_credentials&scope=" + scope.replace(" ", "%20"));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		@SuppressWarnings("unchecked")
		Map<String, Object> body = JsonMapper.builder().build().readValue(response.body(), Map.class);
		return (String) body.get("access_token");
	}

	private static HttpResponse<String> form(String url, String client, String form) throws Exception {
		String credentials = client + ":" + client + "-secret";
		return HTTP.send(HttpRequest.newBuilder(URI.create(url))
			.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(WebTestApplication.Running app, String token, String body)
			throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + "/mcp"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
