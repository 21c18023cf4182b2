package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bearer token whose header is the JSON literal {@code null} ({@code bnVsbA}) is malformed: a 401 with a Bearer
 * challenge, like any other malformed token, never a 500.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Stack.class)
class HostileHeaderWebTests {

	private static final String NULL_HEADER_TOKEN = "bnVsbA.e30.c2ln";

	@Parameter
	Stack stack;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private static HttpResponse<String> post(String url, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.timeout(Duration.ofSeconds(10))
			.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** The single-issuer decoder (a faster decoder tried on branch perf let the NullPointerException out). */
	@Test
	void aTokenWithANullHeaderIsRefusedWith401() throws Exception {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack,
				"mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks")) {
			assertThat(post(app.url() + "/mcp", Jwts.sign(this.key, this.idp.url(), app.url() + "/mcp")).statusCode())
				.as("control: a valid token").isEqualTo(200);
			assertRefusedLikeAnyMalformedToken(app.url() + "/mcp");
			assertThat(post(app.url() + "/mcp", NULL_HEADER_TOKEN).headers().firstValue("WWW-Authenticate"))
				.as("exactly the challenge of any malformed token, as on main (reactive: not 'could not be checked')")
				.isEqualTo(post(app.url() + "/mcp", "a.b.c").headers().firstValue("WWW-Authenticate"));
		}
	}

	/** Several issuers: IssuerSelectingJwtDecoder reads the issuer with JWTParser first (pre-existing, also on main). */
	@Test
	void aTokenWithANullHeaderIsRefusedWith401WithSeveralIssuers() throws Exception {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		String issuers = "mcp.oauth.server.issuers.";
		try (WebTestApplication.Running app = WebTestApplication.start(this.stack,
				issuers + "a.issuer-uri=" + this.idp.url() + "/a", issuers + "a.jwk-set-uri=" + this.idp.url() + "/jwks",
				issuers + "b.issuer-uri=" + this.idp.url() + "/b", issuers + "b.jwk-set-uri=" + this.idp.url() + "/jwks")) {
			assertRefusedLikeAnyMalformedToken(app.url() + "/mcp");
		}
	}

	/**
	 * The MCP chain's own refusal (its Bearer challenge), as for "a.b.c". A NullPointerException out of the decoder
	 * is a 500 that the servlet container forwards to /error, which Spring Boot's default chain answers with a bare
	 * 401 here (and an application that opens its other paths with a 500), logged at ERROR with a stack trace.
	 */
	private static void assertRefusedLikeAnyMalformedToken(String url) throws Exception {
		HttpResponse<String> malformed = post(url, "a.b.c");
		HttpResponse<String> nullHeader = post(url, NULL_HEADER_TOKEN);
		assertThat(malformed.statusCode()).isEqualTo(401);
		assertThat(malformed.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).startsWith("Bearer ").contains("invalid_token"));
		assertThat(nullHeader.statusCode()).isEqualTo(401);
		assertThat(nullHeader.headers().firstValue("WWW-Authenticate")).as("the MCP chain's Bearer challenge")
			.hasValueSatisfying((challenge) -> assertThat(challenge).startsWith("Bearer ")
				.contains("invalid_token")
				.contains("resource_metadata="));
	}

}
