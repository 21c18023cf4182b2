package dev.mcpoauth.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of hostile requests to the sample's MCP endpoint, sent over a raw socket so that nothing is normalized on
 * the way: each is answered 401 (400 or 431 where the request itself is malformed or oversized), never 5xx, never
 * with a stack trace or internal detail. Key URLs in token headers ({@code jku}, {@code x5u}) point at a server that
 * records requests and must never be asked. The sample's authorization server signs the tokens; {@link #port()} and
 * {@link #mcp()} name the server under attack, so that {@code sample-webflux} runs the same corpus against its
 * WebFlux server.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class HostileRequestCorpusTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	static final String MCP = BASE + "/mcp";

	static final StubHttpServer ATTACKER = new StubHttpServer();

	static final RSAKey ATTACKER_KEY = Jwts.rsa();

	static {
		ATTACKER.serve("/jwks", Jwts.jwks(ATTACKER_KEY.toPublicJWK()));
	}

	static final Set<Integer> REFUSED = Set.of(401);

	static final Set<Integer> MALFORMED = Set.of(400, 401, 431);

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	JWKSource<SecurityContext> authorizationServerKeys;

	RSAKey serverKey;

	@BeforeEach
	void serverKey() {
		this.serverKey = TestTokens.signingKey(this.authorizationServerKeys);
	}

	@AfterAll
	static void keyUrlsWereNeverFetched() {
		assertThat(ATTACKER.requests()).as("jku/x5u/jwk header URLs must never be fetched").isEmpty();
		ATTACKER.close();
	}

	/**
	 * @return the port of the MCP server under attack: the sample's own; the WebFlux sample's tests override it
	 */
	int port() {
		return PORT;
	}

	/**
	 * @return the MCP endpoint under attack, the audience of the otherwise valid tokens
	 */
	String mcp() {
		return MCP;
	}

	/** One hostile request: extra header lines, and the statuses that are acceptable answers. */
	record Hostile(List<String> headers, byte[] rawHeader, Set<Integer> expected) {

		static Hostile bearer(String token) {
			return new Hostile(List.of("Authorization: Bearer " + token), null, REFUSED);
		}

		static Hostile headers(Set<Integer> expected, String... headers) {
			return new Hostile(List.of(headers), null, expected);
		}

	}

	static Arguments hostile(String name, Function<HostileRequestCorpusTests, Hostile> request) {
		return Arguments.of(name, request);
	}

	static Stream<Arguments> corpus() {
		return Stream.of(
				hostile("alg none", (t) -> Hostile.bearer(Jwts.unsigned(BASE, t.mcp()))),
				hostile("alg NONE with an empty signature", (t) -> Hostile.bearer(raw("{\"alg\":\"NONE\"}", t.payload(""), ""))),
				hostile("HS256 keyed with the RSA public key", (t) -> Hostile.bearer(Jwts.hmacWithPublicKey(t.serverKey, BASE, t.mcp()))),
				hostile("jku pointing at the attacker's keys", (t) -> Hostile.bearer(t.attackerSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ATTACKER_KEY.getKeyID())
							.jwkURL(URI.create(ATTACKER.url() + "/jwks"))))),
				hostile("x5u pointing at the attacker", (t) -> Hostile.bearer(t.attackerSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ATTACKER_KEY.getKeyID())
							.x509CertURL(URI.create(ATTACKER.url() + "/cert"))))),
				hostile("attacker key embedded as jwk", (t) -> Hostile.bearer(t.attackerSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(ATTACKER_KEY.toPublicJWK())))),
				hostile("unknown crit header, signed by the real key", (t) -> Hostile.bearer(t.serverSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(t.serverKey.getKeyID())
							.criticalParams(Set.of("x-must-understand"))
							.customParam("x-must-understand", true), t.payload("")))),
				hostile("kid with path traversal", (t) -> Hostile.bearer(t.attackerSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("../../../../etc/passwd")))),
				hostile("kid with SQL", (t) -> Hostile.bearer(t.attackerSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("' OR '1'='1'; --")))),
				hostile("kid of 4 KB", (t) -> Hostile.bearer(t.attackerSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k".repeat(4096))))),
				hostile("duplicate aud claim, wrong one first",
						(t) -> Hostile.bearer(t.serverRaw(t.payload("\"aud\":\"https://evil.example\",")))),
				hostile("duplicate aud claim, right one first",
						(t) -> Hostile.bearer(t.serverRaw(t.payload("\"aud\":\"" + t.mcp() + "\",").replace("\"aud\":\"" + t.mcp() + "\"}",
								"\"aud\":\"https://evil.example\"}")))),
				hostile("duplicate alg header",
						(t) -> Hostile.bearer(raw("{\"alg\":\"RS256\",\"kid\":\"" + t.serverKey.getKeyID() + "\",\"alg\":\"none\"}",
								t.payload(""), "AAAA"))),
				hostile("aud with the resource as a prefix", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "-evil\""))),
				hostile("aud with a trailing slash", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "/\""))),
				hostile("aud as one space-joined string", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"https://evil.example " + t.mcp() + "\""))),
				hostile("aud array of other resources", (t) -> Hostile.bearer(t.serverClaims("\"aud\":[\"https://a.example\",\"https://b.example\"]"))),
				hostile("aud as a number", (t) -> Hostile.bearer(t.serverClaims("\"aud\":42"))),
				hostile("exp 0", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":0"))),
				hostile("exp negative", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":-1"))),
				hostile("exp Long.MAX_VALUE", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":9223372036854775807"))),
				hostile("exp 1e30", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":1e30"))),
				hostile("exp as a string", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":\"tomorrow\""))),
				hostile("nbf Long.MAX_VALUE", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":" + t.in(300)
						+ ",\"nbf\":9223372036854775807"))),
				hostile("nbf as a string", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":" + t.in(300)
						+ ",\"nbf\":\"now\""))),
				hostile("iat after exp", (t) -> Hostile.bearer(t.serverClaims("\"aud\":\"" + t.mcp() + "\",\"exp\":" + t.in(300)
						+ ",\"iat\":" + t.in(3000)))),
				hostile("iss with a trailing slash", (t) -> Hostile.bearer(t.serverRaw(t.payload("").replace("\"iss\":\"" + BASE + "\"",
						"\"iss\":\"" + BASE + "/\"")))),
				hostile("iss as an array", (t) -> Hostile.bearer(t.serverRaw(t.payload("").replace("\"iss\":\"" + BASE + "\"",
						"\"iss\":[\"" + BASE + "\"]")))),
				hostile("typ of an ID-JAG in media-type form", (t) -> Hostile.bearer(t.serverSigned(
						new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(t.serverKey.getKeyID())
							.type(new JOSEObjectType("application/oauth-id-jag+jwt")), t.payload("")))),
				hostile("payload is not JSON", (t) -> Hostile.bearer(t.serverRawPayload("hello"))),
				hostile("payload is a JSON array", (t) -> Hostile.bearer(t.serverRawPayload("[]"))),
				hostile("header is not a JSON object", (t) -> Hostile.bearer(raw("[]", t.payload(""), "AAAA"))),
				hostile("five segments (JWE shape)", (t) -> Hostile.bearer("a.b.c.d.e")),
				hostile("four segments", (t) -> Hostile.bearer(Jwts.sign(t.serverKey, BASE, t.mcp()) + ".extra")),
				hostile("empty signature with an RS256 header", (t) -> Hostile.bearer(stripSignature(Jwts.sign(t.serverKey, BASE, t.mcp())))),
				hostile("characters outside base64url", (t) -> Hostile.bearer("%%%.$$$.@@@")),
				hostile("Bearer with two spaces", (t) -> Hostile.headers(REFUSED, "Authorization: Bearer  " + Jwts.sign(t.serverKey, BASE, t.mcp()))),
				hostile("Bearer with trailing garbage", (t) -> Hostile.headers(REFUSED, "Authorization: Bearer " + Jwts.sign(t.serverKey, BASE, t.mcp()) + " x")),
				hostile("Bearer with a tab", (t) -> Hostile.headers(REFUSED, "Authorization: Bearer\t" + Jwts.sign(t.serverKey, BASE, t.mcp()))),
				hostile("two Authorization headers, valid first", (t) -> Hostile.headers(MALFORMED,
						"Authorization: Bearer " + Jwts.sign(t.serverKey, BASE, t.mcp()), "Authorization: Bearer garbage")),
				hostile("two Authorization headers, both valid", (t) -> Hostile.headers(MALFORMED,
						"Authorization: Bearer " + Jwts.sign(t.serverKey, BASE, t.mcp()), "Authorization: Bearer " + Jwts.sign(t.serverKey, BASE, t.mcp()))),
				hostile("non-UTF-8 bytes in the header", (t) -> new Hostile(List.of(),
						concat("Authorization: Bearer ".getBytes(StandardCharsets.US_ASCII), new byte[] { (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28 }),
						MALFORMED)),
				hostile("token of 100 KB", (t) -> Hostile.headers(MALFORMED, "Authorization: Bearer " + "a".repeat(100 * 1024))),
				hostile("token in a cookie only", (t) -> Hostile.headers(REFUSED, "Cookie: access_token=" + Jwts.sign(t.serverKey, BASE, t.mcp()))),
				hostile("Basic credentials", (t) -> Hostile.headers(REFUSED, "Authorization: Basic c2FtcGxlLWNsaWVudDpzYW1wbGUtc2VjcmV0")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corpus")
	void isRefusedCleanly(String name, Function<HostileRequestCorpusTests, Hostile> request) throws Exception {
		Hostile hostile = request.apply(this);
		String response = send(hostile, port());
		int status = Integer.parseInt(response.substring(9, 12));
		assertThat(status).as(name + "\n" + head(response)).isIn(hostile.expected());
		assertThat(response).as(name).doesNotContain("Exception", "\tat ", "java.", "nimbus", "Nimbus", "springframework");
	}

	/** Claims of an otherwise valid token, with a JSON fragment spliced in before the closing brace. */
	String payload(String extra) {
		return "{\"iss\":\"" + BASE + "\",\"sub\":\"user\",\"scope\":\"mcp:tools\",\"iat\":" + in(0) + ",\"exp\":" + in(300) + ","
				+ extra + "\"aud\":\"" + mcp() + "\"}";
	}

	long in(long seconds) {
		return System.currentTimeMillis() / 1000 + seconds;
	}

	String serverClaims(String claims) {
		return serverRaw("{\"iss\":\"" + BASE + "\",\"sub\":\"user\",\"scope\":\"mcp:tools\"," + claims
				+ (claims.contains("\"exp\"") ? "" : ",\"exp\":" + in(300)) + "}");
	}

	String serverRaw(String payload) {
		return serverSigned(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.serverKey.getKeyID()), payload);
	}

	String serverRawPayload(String payload) {
		return serverRaw(payload);
	}

	String serverSigned(JWSHeader.Builder header, String payload) {
		return sign(header.build(), payload, this.serverKey);
	}

	String attackerSigned(JWSHeader.Builder header) {
		return sign(header.build(), payload(""), ATTACKER_KEY);
	}

	/** Signs exactly these payload bytes (duplicate keys and odd values survive) with Nimbus. */
	static String sign(JWSHeader header, String payload, RSAKey key) {
		try {
			String signingInput = header.toBase64URL() + "." + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8));
			Base64URL signature = new RSASSASigner(key).sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + signature;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String raw(String header, String payload, String signature) {
		Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
		return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + signature;
	}

	static String stripSignature(String token) {
		return token.substring(0, token.lastIndexOf('.') + 1);
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] all = new byte[a.length + b.length];
		System.arraycopy(a, 0, all, 0, a.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

	static String head(String response) {
		return response.substring(0, Math.min(400, response.length()));
	}

	/**
	 * The answer, up to the end of the stream; a server that refuses an oversized request may answer and reset the
	 * connection while the rest of the request is unread (Reactor Netty does): what it answered before counts.
	 */
	static byte[] readAnswer(InputStream in) throws IOException {
		ByteArrayOutputStream answer = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
				answer.write(buffer, 0, n);
			}
		}
		catch (SocketException ex) {
			if (answer.size() == 0) {
				throw ex;
			}
		}
		return answer.toByteArray();
	}

	/** An MCP initialize request over a raw socket, with the hostile header lines as given. */
	static String send(Hostile hostile, int port) throws Exception {
		String body = Http.INITIALIZE;
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(20_000);
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			List<String> lines = new ArrayList<>(List.of("POST /mcp HTTP/1.1", "Host: localhost:" + port,
					"Content-Type: application/json", "Accept: application/json, text/event-stream", "Connection: close",
					"Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length));
			lines.addAll(hostile.headers());
			for (String line : lines) {
				request.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			}
			if (hostile.rawHeader() != null) {
				request.write(hostile.rawHeader());
				request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			}
			request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			request.write(body.getBytes(StandardCharsets.UTF_8));
			OutputStream out = socket.getOutputStream();
			out.write(request.toByteArray());
			out.flush();
			return new String(readAnswer(socket.getInputStream()), StandardCharsets.ISO_8859_1);
		}
	}

}
