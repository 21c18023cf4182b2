package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MCP sessions are bound to the token subject that created them, in front of the MCP Java SDK's streamable servlet
 * transport: another subject's valid token with a leaked {@code Mcp-Session-Id} gets 404, as for an unknown
 * session, and no tool runs; nor can it delete the session.
 */
class McpSessionBindingTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aSessionServesOnlyTheSubjectThatCreatedIt() throws Exception {
		RSAKey key = Jwts.rsa();
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()));
				ConfigurableApplicationContext app = new SpringApplicationBuilder(
						ToolScopePathVariantTests.SdkServerApplication.class)
					.run("--server.port=0", "--spring.main.banner-mode=off", "--test.mapping=/mcp",
							"--mcp.oauth.server.issuer-uri=" + idp.url(),
							"--mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks")) {
			String mcp = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/mcp";
			AtomicInteger runs = app.getBean(AtomicInteger.class);
			String alice = Jwts.sign(key, idp.url(), mcp, (claims) -> claims.subject("alice"));
			String mallory = Jwts.sign(key, idp.url(), mcp, (claims) -> claims.subject("mallory"));
			HttpResponse<String> initialized = PathVariants.post(mcp, alice, null, ToolScopePathVariantTests.INITIALIZE);
			String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
			assertThat(PathVariants.post(mcp, alice, session, ToolScopePathVariantTests.INITIALIZED).statusCode() / 100)
				.isEqualTo(2);

			HttpResponse<String> hijack = PathVariants.post(mcp, mallory, session, PathVariants.toolCall(2, "admin"));
			assertThat(hijack.statusCode()).isEqualTo(404);
			assertThat(runs).as("the hijacker's call ran").hasValue(0);
			assertThat(delete(mcp, mallory, session)).as("the hijacker may not end the session").isEqualTo(404);
			assertThat(PathVariants.post(mcp, mallory, "unknown-" + session, PathVariants.toolCall(3, "admin"))
				.statusCode()).as("a session never assigned here").isEqualTo(404);

			assertThat(PathVariants.post(mcp, alice, session, PathVariants.toolCall(4, "admin")).body())
				.contains("admin ran");
			assertThat(runs).hasValue(1);
			String aliceAgain = Jwts.sign(key, idp.url(), mcp, (claims) -> claims.subject("alice"));
			assertThat(PathVariants.post(mcp, aliceAgain, session, PathVariants.toolCall(5, "admin")).body())
				.as("a new token of the same subject").contains("admin ran");

			assertThat(delete(mcp, alice, session) / 100).isEqualTo(2);
			assertThat(PathVariants.post(mcp, alice, session, PathVariants.toolCall(6, "admin")).statusCode())
				.as("a deleted session").isEqualTo(404);
			assertThat(runs).hasValue(2);
		}
	}

	private static int delete(String url, String token, String session) throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create(url))
				.timeout(Duration.ofSeconds(10))
				.header("Authorization", "Bearer " + token)
				.header("Mcp-Session-Id", session)
				.DELETE()
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

}
