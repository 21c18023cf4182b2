package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code dev.mcpoauth} at DEBUG, each refused token leaves the reason in the log, and never the token.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTests {

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	@AfterEach
	void stop() {
		this.idp.close();
	}

	@Test
	void eachRefusedTokenIsLoggedWithItsReasonAndWithoutTheToken(CapturedOutput output) throws Exception {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		try (WebTestApplication.Running app = WebTestApplication.start("logging.level.dev.mcpoauth=DEBUG",
				"mcp.oauth.server.issuer-uri=" + this.idp.url(), "mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks")) {
			String url = app.url() + "/mcp";
			String otherAudience = Jwts.sign(this.key, this.idp.url(), "https://elsewhere.example/mcp");
			String otherKey = Jwts.sign(Jwts.rsa(), this.idp.url(), url);
			assertThat(post(url, otherAudience)).isEqualTo(401);
			assertThat(post(url, otherKey)).isEqualTo(401);
			assertThat(output).contains("Access token refused: its aud [https://elsewhere.example/mcp] names none of [" + url + "]")
				.contains("Access token refused: The access token is malformed, or its signature or algorithm is not accepted")
				.doesNotContain(otherAudience)
				.doesNotContain(otherKey.substring(otherKey.lastIndexOf('.') + 1));
		}
	}

	private static int post(String url, String token) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + token)
				.POST(HttpRequest.BodyPublishers.ofString("{}"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

}
