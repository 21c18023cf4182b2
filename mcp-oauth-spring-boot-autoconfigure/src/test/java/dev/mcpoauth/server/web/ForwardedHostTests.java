package dev.mcpoauth.server.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no {@code mcp.oauth.server.resource} the resource identifier is derived from the request, with
 * {@code server.forward-headers-strategy=framework} from {@code X-Forwarded-Host} too. A forwarded host that makes no
 * URL ({@code [bad}) gets a plain 400 from the MCP chain, never an exception out of it (which showed as 500, or as a
 * 401 without the MCP challenge through {@code /error}). (The second review's {@code AttackForwardedHostTests}.) On
 * both {@link Stack stacks}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Stack.class)
class ForwardedHostTests {

	@Parameter
	Stack stack;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-protected-resource/mcp",
			"POST /mcp" })
	void aMalformedForwardedHostGetsA400(String requestLine) {
		assertThat(RawHttp.status(attack(requestLine))).isEqualTo(400);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GET /.well-known/oauth-protected-resource", "POST /mcp" })
	void aMalformedForwardedHostIsNotA500WhenNoErrorPageMasksIt(String requestLine) {
		// Without Spring Boot's error handling (itself behind the default chain), the escaped exception shows as 500.
		String answer = attack(requestLine, this.stack.withoutErrorPages());
		assertThat(RawHttp.status(answer)).as(answer).isLessThan(500);
	}

	private String attack(String requestLine, String... more) {
		RSAKey key = Jwts.rsa();
		String[] properties = new String[3 + more.length];
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()))) {
			properties[0] = "mcp.oauth.server.issuer-uri=" + idp.url();
			properties[1] = "mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks";
			properties[2] = "server.forward-headers-strategy=framework";
			System.arraycopy(more, 0, properties, 3, more.length);
			try (WebTestApplication.Running app = WebTestApplication.start(this.stack, properties)) {
				int port = Integer.parseInt(app.url().substring(app.url().lastIndexOf(':') + 1));
				return RawHttp.send(port, (requestLine + " HTTP/1.1\r\nHost: localhost:" + port
						+ "\r\nX-Forwarded-Host: [bad\r\nConnection: close\r\nContent-Type: application/json\r\n"
						+ "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
			}
		}
	}


	@Test
	void forwardedHeadersThatOneReaderAcceptsAndAnotherRefusesGetA400NotA500() {
		// java.net.URI accepts both, but UriComponentsBuilder (the challenge's metadata URL) refuses the zone id and
		// URI.toURL (the metadata document) knows no protocol "ht": the origin is checked as they read it. (The third
		// review's AttackOriginHeadersTests.)
		String[] headers = { "X-Forwarded-Host: [fe80::1%eth0]", "Forwarded: proto=ht;host=x", "X-Forwarded-Proto: ht" };
		String[] lines = { "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-protected-resource/mcp",
				"POST /mcp", "POST /mcp#token" };
		List<String> failures = new ArrayList<>();
		RSAKey key = Jwts.rsa();
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()))) {
			try (WebTestApplication.Running app = WebTestApplication.start(this.stack,
					"mcp.oauth.server.issuer-uri=" + idp.url(), "mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks",
					"server.forward-headers-strategy=framework", this.stack.withoutErrorPages())) {
				int port = Integer.parseInt(app.url().substring(app.url().lastIndexOf(':') + 1));
				String token = Jwts.sign(key, idp.url(), app.url() + "/mcp");
				for (String header : headers) {
					for (String line : lines) {
						String auth = line.endsWith("#token") ? "Authorization: Bearer " + token + "\r\n" : "";
						String requestLine = line.replace("#token", "");
						String answer = RawHttp.send(port, (requestLine + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
								+ header + "\r\n" + auth + "Connection: close\r\nContent-Type: application/json\r\n"
								+ "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.UTF_8));
						int status = RawHttp.status(answer);
						if (status != 400) {
							failures.add(status + " for " + header.replace("\r\n", " | ") + " on " + line + ": "
									+ answer.substring(0, Math.min(300, answer.length())));
						}
					}
				}
			}
		}
		assertThat(failures).isEmpty();
	}

}
