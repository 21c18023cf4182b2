package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter in a running application, over real HTTP on loopback: the contract of the server side, run on both
 * {@link Stack stacks} (Spring MVC and WebFlux).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Stack.class)
class ResourceServerWebTests {

	@Parameter
	Stack stack;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	@TempDir
	Path temp;

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private String[] jwks(String... more) {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		String[] base = { "mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks" };
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A JSON POST with the token (unless null) and more headers (name, value, ...). */
	private static HttpResponse<String> post(String url, String token, String body, String... headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	@Test
	void derivesResourceMetadataAndAudienceFromTheRequestUnderAContextPath() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks(this.stack.contextPath("/api")))) {
			String resource = app.url() + "/api/mcp";
			String metadataUrl = app.url() + "/api/.well-known/oauth-protected-resource/mcp";
			HttpResponse<String> challenge = post(resource, null, "{}");
			assertThat(challenge.statusCode()).isEqualTo(401);
			assertThat(challenge.headers().firstValue("WWW-Authenticate"))
				.hasValue("Bearer resource_metadata=\"" + metadataUrl + "\"");
			HttpResponse<String> metadata = send(HttpRequest.newBuilder(URI.create(metadataUrl)));
			assertThat(metadata.body()).contains("\"resource\":\"" + resource + "\"").contains("\"x_customized\":true");
			assertThat(send(HttpRequest.newBuilder(URI.create(app.url() + "/api/.well-known/oauth-protected-resource")))
				.body()).contains("\"resource\":\"" + resource + "\"");
			assertThat(post(resource, Jwts.sign(this.key, this.idp.url(), resource), "{}").body()).isEqualTo("ok:{}");
			HttpResponse<String> otherAudience = post(resource, Jwts.sign(this.key, this.idp.url(), app.url() + "/mcp"),
					"{}");
			assertThat(otherAudience.statusCode()).isEqualTo(401);
		}
	}

	@Test
	void honoursForwardedHeaders() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks("server.forward-headers-strategy=framework"))) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url() + "/mcp"))
				.header("X-Forwarded-Proto", "https")
				.header("X-Forwarded-Host", "mcp.example")
				.POST(HttpRequest.BodyPublishers.ofString("{}"));
			assertThat(send(request).headers().firstValue("WWW-Authenticate")).hasValue(
					"Bearer resource_metadata=\"https://mcp.example/.well-known/oauth-protected-resource/mcp\"");
			HttpResponse<String> metadata = send(
					HttpRequest.newBuilder(URI.create(app.url() + "/.well-known/oauth-protected-resource/mcp"))
						.header("X-Forwarded-Proto", "https")
						.header("X-Forwarded-Host", "mcp.example"));
			assertThat(metadata.body()).contains("\"resource\":\"https://mcp.example/mcp\"");
		}
	}

	@Test
	void configuredResourceIsUsedWhateverTheHostHeaderSays() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication
			.start(this.stack, jwks("mcp.oauth.server.resource=https://mcp.example/mcp"))) {
			HttpResponse<String> challenge = post(app.url() + "/mcp", null, "{}");
			assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValue(
					"Bearer resource_metadata=\"https://mcp.example/.well-known/oauth-protected-resource/mcp\"");
			assertThat(post(app.url() + "/mcp", Jwts.sign(this.key, this.idp.url(), app.url() + "/mcp"), "{}")
				.statusCode()).as("audience of the request's own URL is not enough").isEqualTo(401);
			assertThat(post(app.url() + "/mcp", Jwts.sign(this.key, this.idp.url(), "https://mcp.example/mcp"), "{}")
				.statusCode()).isEqualTo(200);
		}
	}

	@Test
	void configuredAudiencesReplaceTheResourceIdentifier() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication
			.start(this.stack, jwks("mcp.oauth.server.audiences=api://7f1c0e7a-guid,https://other.example"))) {
			assertThat(post(app.url() + "/mcp", Jwts.sign(this.key, this.idp.url(), "api://7f1c0e7a-guid"), "{}")
				.statusCode()).isEqualTo(200);
			assertThat(post(app.url() + "/mcp", Jwts.sign(this.key, this.idp.url(), app.url() + "/mcp"), "{}")
				.statusCode()).isEqualTo(401);
		}
	}

	@Test
	void verifiesWithAStaticRsaOrEcPublicKey() throws Exception {
		ECKey ec = Jwts.ec();
		for (Object[] keyAndPem : new Object[][] { { this.key, pem(this.key.toRSAPublicKey().getEncoded()) },
				{ ec, pem(ec.toECPublicKey().getEncoded()) } }) {
			Path file = Files.writeString(this.temp.resolve("key-" + System.nanoTime() + ".pem"), (String) keyAndPem[1]);
			try (WebTestApplication.Running app = WebTestApplication.start(this.stack, "mcp.oauth.server.issuer-uri=https://idp.example",
					"mcp.oauth.server.public-key-location=file:" + file)) {
				String token = Jwts.sign((com.nimbusds.jose.jwk.JWK) keyAndPem[0], "https://idp.example",
						app.url() + "/mcp");
				assertThat(post(app.url() + "/mcp", token, "{}").statusCode()).isEqualTo(200);
				assertThat(post(app.url() + "/mcp", Jwts.sign(Jwts.rsa(), "https://idp.example", app.url() + "/mcp"), "{}")
					.statusCode()).isEqualTo(401);
			}
		}
	}

	@Test
	void malformedPublicKeyFileFailsAtStartupNamingTheProperty() throws Exception {
		Path file = Files.writeString(this.temp.resolve("bad.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> WebTestApplication.start(this.stack, "mcp.oauth.server.issuer-uri=https://idp.example",
					"mcp.oauth.server.public-key-location=file:" + file))
			.rootCause()
			.hasMessageContaining("mcp.oauth.server.public-key-location")
			.hasMessageContaining("neither RSA nor EC");
	}

	@Test
	void toolScopesInspectTheBodyAndHandItOnIntact() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks("mcp.oauth.server.tool-scopes.admin=mcp:admin"))) {
			String url = app.url() + "/mcp";
			String token = Jwts.sign(this.key, this.idp.url(), url);
			String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"admin\"}}";
			HttpResponse<String> denied = post(url, token, call);
			assertThat(denied.statusCode()).isEqualTo(403);
			assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"mcp:admin\"");
			String other = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"other\"}}";
			assertThat(post(url, token, other).body()).isEqualTo("ok:" + other);
			String batch = "[" + other + "," + call + "]";
			assertThat(post(url, token, batch).statusCode()).as("a call hidden in a batch").isEqualTo(403);
			String duplicateName = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"other\",\"name\":\"admin\"}}";
			assertThat(post(url, token, duplicateName).statusCode()).isEqualTo(400);
			assertThat(post(url, token, "{not json").statusCode()).isEqualTo(400);
			String admin = Jwts.sign(this.key, this.idp.url(), url, (claims) -> claims.claim("scope", "mcp:tools mcp:admin"));
			assertThat(post(url, admin, call).body()).isEqualTo("ok:" + call);
			assertThat(post(url, admin, "x".repeat(4 * 1024 * 1024 + 1)).statusCode()).isEqualTo(413);
		}
	}

	@Test
	void aRefusalNamesEveryScopeTheRequestNeedsSoThatOneStepUpSuffices() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks("mcp.oauth.server.required-scopes=mcp:tools",
				"mcp.oauth.server.tool-scopes.admin=mcp:admin"))) {
			String url = app.url() + "/mcp";
			String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"admin\"}}";
			String adminOnly = Jwts.sign(this.key, this.idp.url(), url, (claims) -> claims.claim("scope", "mcp:admin"));
			HttpResponse<String> denied = post(url, adminOnly, call);
			assertThat(denied.statusCode()).isEqualTo(403);
			assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("error=\"insufficient_scope\"")
				.contains("scope=\"mcp:tools mcp:admin\"");
			String none = Jwts.sign(this.key, this.idp.url(), url, (claims) -> claims.claim("scope", "other"));
			assertThat(post(url, none, "{not json").headers().firstValue("WWW-Authenticate").orElseThrow())
				.as("lacking the endpoint's scope comes before an unreadable body")
				.contains("scope=\"mcp:tools\"");
			HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + none).GET());
			assertThat(get.statusCode()).as("a GET needs the endpoint's scope").isEqualTo(403);
			assertThat(get.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"mcp:tools\"");
			String both = Jwts.sign(this.key, this.idp.url(), url, (claims) -> claims.claim("scope", "mcp:tools mcp:admin"));
			assertThat(post(url, both, call).body()).isEqualTo("ok:" + call);
		}
	}

	@Test
	void toolScopesReadTheBodyOnlyAsUtf8JsonWithNothingAfterIt() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks("mcp.oauth.server.tool-scopes.admin=mcp:admin"))) {
			String url = app.url() + "/mcp";
			String token = Jwts.sign(this.key, this.idp.url(), url);
			String other = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"other\"}}";
			String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"admin\"}}";
			assertThat(post(url, token, other + call).statusCode()).as("a second message after the first").isEqualTo(400);
			HttpRequest.Builder latin1 = HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/json; charset=ISO-8859-1")
				.header("Authorization", "Bearer " + token)
				.POST(HttpRequest.BodyPublishers.ofString(other));
			assertThat(send(latin1).statusCode()).as("a body another reader decodes otherwise").isEqualTo(415);
			HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/json")
				.header("Authorization", "Bearer " + token)
				.PUT(HttpRequest.BodyPublishers.ofString(call));
			assertThat(send(put).statusCode()).as("not only POST is inspected").isEqualTo(403);
			assertThat(post(url, token, "").body()).as("an empty body carries no call").isEqualTo("ok:");
			String upperCaseName = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"NAME\":\"admin\"}}";
			assertThat(post(url, token, upperCaseName).statusCode()).as("a case-insensitive mapper's reading")
				.isEqualTo(403);
			String twoCases = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"other\",\"Name\":\"admin\"}}";
			assertThat(post(url, token, twoCases).statusCode()).as("keys that differ only in case").isEqualTo(400);
			String arrayName = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":[\"admin\"]}}";
			assertThat(post(url, token, arrayName).statusCode()).as("an array a mapper could unwrap").isEqualTo(400);
			String arrayMethod = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":[\"tools/call\"],\"params\":{\"name\":\"admin\"}}";
			assertThat(post(url, token, arrayMethod).statusCode()).isEqualTo(400);
			String escaped = "{\"jsonrpc\":\"2.0\",\"id\":3,\"\\u006dethod\":\"tools\\/call\",\"params\":{\"name\":\"adm\\u0069n\"}}";
			assertThat(post(url, token, escaped).statusCode()).as("JSON escapes").isEqualTo(403);
		}
	}

	@Test
	void requestMetadataHeadersThatDisagreeWithTheBodyNeverReachTheEndpoint() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks())) {
			String url = app.url() + "/mcp";
			String token = Jwts.sign(this.key, this.idp.url(), url);
			String call = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"admin\"}}";
			HttpResponse<String> mismatch = post(url, token, call, "Mcp-Method", "tools/call", "Mcp-Name", "harmless");
			assertThat(mismatch.statusCode()).as("even without tool scopes").isEqualTo(400);
			assertThat(mismatch.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
			assertThat(mismatch.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32020,")
				.doesNotContain("ok:");
			HttpResponse<String> agreeing = post(url, token, call, "mcp-method", "tools/call", "MCP-NAME", "admin");
			assertThat(agreeing.body()).as("header names in any case, body handed on intact").isEqualTo("ok:" + call);
		}
	}

	@Test
	void aSenderConstrainedTokenIsNotAcceptedAsABearerToken() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks())) {
			String url = app.url() + "/mcp";
			String bound = Jwts.sign(this.key, this.idp.url(), url,
					(claims) -> claims.claim("cnf", Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")));
			HttpResponse<String> refused = post(url, bound, "{}");
			assertThat(refused.statusCode()).as("DPoP-bound").isEqualTo(401);
			assertThat(refused.body()).doesNotContain("ok:");
			String certificateBound = Jwts.sign(this.key, this.idp.url(), url, (claims) -> claims.claim("cnf",
					Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")));
			assertThat(post(url, certificateBound, "{}").statusCode()).as("certificate-bound (mTLS)").isEqualTo(401);
			String emptyJkt = Jwts.sign(this.key, this.idp.url(), url, (claims) -> claims.claim("cnf", Map.of("jkt", "")));
			assertThat(post(url, emptyJkt, "{}").statusCode()).as("an empty jkt").isEqualTo(401);
			assertThat(post(url, Jwts.sign(this.key, this.idp.url(), url), "{}").body()).isEqualTo("ok:{}");
		}
	}

	@Test
	void opaqueTokensAreIntrospected() throws Exception {
		try (StubHttpServer introspection = new StubHttpServer()) {
			try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks(
					"mcp.oauth.server.introspection.client-id=rs", "mcp.oauth.server.introspection.client-secret=s",
					"mcp.oauth.server.introspection.endpoint=" + introspection.url() + "/introspect"))) {
				String url = app.url() + "/mcp";
				long exp = java.time.Instant.now().plusSeconds(300).getEpochSecond();
				introspection.handle("/introspect", (request) -> StubHttpServer.Response.json(
						request.form().get("token").equals("opaque-good") ? "{\"active\":true,\"iss\":\""
								+ this.idp.url() + "\",\"aud\":\"" + url + "\",\"exp\":" + exp
								+ ",\"sub\":\"user\",\"scope\":\"mcp:tools\"}" : "{\"active\":false}"));
				assertThat(post(url, "opaque-good", "{}").body()).isEqualTo("ok:{}");
				assertThat(post(url, "opaque-revoked", "{}").statusCode()).isEqualTo(401);
				assertThat(introspection.requestsFor("/introspect")).isEqualTo(2);
			}
		}
	}

	@Test
	void metadataDerivedFromTheRequestIsNeverStoredByCaches() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks())) {
			HttpResponse<String> metadata = send(
					HttpRequest.newBuilder(URI.create(app.url() + "/.well-known/oauth-protected-resource/mcp"))
						.header("X-Forwarded-Host", "evil.example"));
			assertThat(metadata.headers().firstValue("Cache-Control")).hasValue("no-store");
			assertThat(send(HttpRequest.newBuilder(URI.create(app.url() + "/.well-known/oauth-protected-resource")))
				.headers()
				.firstValue("Cache-Control")).hasValue("no-store");
		}
		try (WebTestApplication.Running app = WebTestApplication
			.start(this.stack, jwks("mcp.oauth.server.resource=https://mcp.example/mcp"))) {
			assertThat(send(HttpRequest.newBuilder(URI.create(app.url() + "/.well-known/oauth-protected-resource/mcp")))
				.headers()
				.firstValue("Cache-Control")).as("the same for every request").hasValue("public, max-age=3600");
		}
	}

	@Test
	void withoutIssuerUriOnlyTheConfiguredAuthorizationServersIssueAcceptedTokens() throws Exception {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack,
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks",
				"mcp.oauth.server.authorization-servers=https://tenant-a.example,https://tenant-b.example")) {
			String url = app.url() + "/mcp";
			assertThat(post(url, Jwts.sign(this.key, "https://tenant-a.example", url), "{}").statusCode()).isEqualTo(200);
			assertThat(post(url, Jwts.sign(this.key, "https://tenant-b.example", url), "{}").statusCode()).isEqualTo(200);
			HttpResponse<String> otherTenant = post(url, Jwts.sign(this.key, "https://tenant-c.example", url), "{}");
			assertThat(otherTenant.statusCode()).as("a tenant sharing the JWK Set").isEqualTo(401);
			assertThat(otherTenant.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
			assertThat(post(url, Jwts.sign(this.key, null, url), "{}").statusCode()).as("no iss").isEqualTo(401);
		}
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack,
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks",
				"mcp.oauth.server.authorization-servers=https://tenant-a.example")) {
			String url = app.url() + "/mcp";
			assertThat(post(url, Jwts.sign(this.key, "https://tenant-a.example", url), "{}").statusCode()).isEqualTo(200);
			assertThat(post(url, Jwts.sign(this.key, "https://tenant-c.example", url), "{}").statusCode()).isEqualTo(401);
		}
	}

	@Test
	void metadataAnswersOnlyReadMethods() throws Exception {
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack, jwks())) {
			HttpResponse<String> response = post(app.url() + "/.well-known/oauth-protected-resource/mcp", null, "{}");
			assertThat(response.statusCode()).isEqualTo(405);
			assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
		}
	}

	private static String pem(byte[] der) {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
				+ "\n-----END PUBLIC KEY-----\n";
	}

}
