package dev.mcpoauth.server.web;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.server.scope.ToolCallScopes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request refused before anyone read its body (the firewall's 400 for a path spelling, a 401 for a missing or bad
 * token, a 403 on another path) must not leave its connection unable to answer the next request. WebFlux on Reactor
 * Netty left a keep-alive connection silent when the client's next request arrived while the refused exchange was
 * still discarding its body: the JDK HTTP client, which the MCP Java SDK uses, waited for its timeout. On WebFlux the
 * refusal is now sent once the body has been read (a body too large or too slow: with {@code Connection: close});
 * the next request on the connection is answered. On both {@link Stack stacks} (Tomcat reads and discards such a
 * body itself). The race itself, a request sent a moment after the answer, is repeated in sample-webflux's
 * {@code WebFluxKeepAliveTests}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Stack.class)
class RefusedRequestConnectionTests {

	private static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}";

	@Parameter
	Stack stack;

	private StubHttpServer idp;

	private WebTestApplication.Running app;

	private int port;

	private String token;

	@BeforeEach
	void start() {
		RSAKey key = Jwts.rsa();
		this.idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()));
		this.app = WebTestApplication.start(this.stack, "mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks");
		this.port = Integer.parseInt(this.app.url().substring(this.app.url().lastIndexOf(':') + 1));
		this.token = Jwts.sign(key, this.idp.url(), this.app.url() + "/mcp");
	}

	@AfterEach
	void stop() {
		this.app.close();
		this.idp.close();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/mcp// firewall", "/mcp/x/.. firewall", "/mcp no-token", "/mcp bad-token",
			"/elsewhere no-token" })
	void aRefusalWaitsForTheBodyAndTheNextRequestOnTheConnectionIsAnswered(String refusal) throws Exception {
		String[] parts = refusal.split(" ");
		String authorization = switch (parts[1]) {
			case "no-token" -> "";
			case "bad-token" -> "Authorization: Bearer " + this.token.substring(0, this.token.length() - 4) + "AAAA\r\n";
			default -> "Authorization: Bearer " + this.token + "\r\n";
		};
		String head = "POST " + parts[0] + " HTTP/1.1\r\nHost: localhost:" + this.port + "\r\n" + authorization
				+ "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
				+ BODY.length() + "\r\n\r\n";
		String next = "GET /.well-known/oauth-protected-resource/mcp HTTP/1.1\r\nHost: localhost:" + this.port
				+ "\r\n\r\n";
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(1000);
			socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
			String early = read(socket);
			if (this.stack == Stack.REACTIVE) {
				// Reactor Netty discarded an unread body only after the answer had gone out, and a request sent on
				// the connection at that moment could stay unread (sample-webflux's WebFluxKeepAliveTests).
				assertThat(early).as("no refusal before the body is read").isEmpty();
			}
			socket.getOutputStream().write((BODY + next).getBytes(StandardCharsets.ISO_8859_1));
			String answer = early + read(socket);
			assertThat(RawHttp.status(answer)).as(answer).isBetween(400, 404);
			assertThat(answer.indexOf("HTTP/1.1 200", 9)).as(answer).isPositive();
			assertThat(answer.toLowerCase()).doesNotContain("connection: close");
		}
	}

	@Test
	void aBodyThatNeverArrivesIsWaitedForBrieflyAndTheConnectionClosed() throws Exception {
		String head = "POST /mcp HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + BODY.length() + "\r\n\r\n";
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
			byte[] buffer = new byte[8192];
			int n = socket.getInputStream().read(buffer);
			String answer = new String(buffer, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
			assertThat(RawHttp.status(answer)).as(answer).isEqualTo(401);
			if (this.stack == Stack.REACTIVE) {
				assertThat(answer.toLowerCase()).contains("connection: close");
			}
		}
	}

	@Test
	void aBodyOverTheLimitIsNotReadToTheEndAndTheConnectionClosed() throws Exception {
		byte[] body = new byte[ToolCallScopes.MAX_BODY_BYTES + 1024];
		java.util.Arrays.fill(body, (byte) 'x');
		String head = "POST /mcp HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + body.length + "\r\n\r\n";
		String answer = RawHttp.send(this.port, head, body);
		assertThat(RawHttp.status(answer)).as(answer).isEqualTo(401);
		if (this.stack == Stack.REACTIVE) {
			assertThat(answer.toLowerCase()).contains("connection: close");
		}
	}

	/** What arrives within the socket's timeout. */
	private static String read(Socket socket) throws Exception {
		InputStream in = socket.getInputStream();
		StringBuilder answer = new StringBuilder();
		byte[] buffer = new byte[8192];
		try {
			for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
				answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
			}
		}
		catch (SocketTimeoutException ex) {
			// keep-alive: what has arrived is the answer
		}
		return answer.toString();
	}

}
