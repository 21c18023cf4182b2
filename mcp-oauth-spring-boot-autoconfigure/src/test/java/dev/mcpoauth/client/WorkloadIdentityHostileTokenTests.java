package dev.mcpoauth.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.token.WorkloadIdentityTokenSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile workload identity tokens (review of 70ee68e): every token whose {@code aud} does not name the
 * authorization server, or that is not a JWT, must be refused with the client's own {@link McpOAuthClientException}
 * ({@code invalid_workload_token} or {@code workload_token_audience_mismatch}) before any token request, and no part
 * of it may reach an exception message or the log. Tokens whose {@code aud} does name the authorization server may be
 * sent, but must still only ever end in a {@link McpOAuthClientException}.
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkloadIdentityHostileTokenTests {

	private static final String EVIL = "https://evil.example";

	private final StubAuthorizationServer server = new StubAuthorizationServer(List.of("none"));

	private final AtomicReference<String> current = new AtomicReference<>();

	@AfterEach
	void stop() {
		this.server.close();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withBean(WorkloadIdentityTokenSource.class, () -> (registration) -> this.current.get())
			.withPropertyValues("mcp.oauth.client.registrations.w.server-url=" + this.server.mcp(),
					"mcp.oauth.client.registrations.w.client-id=workload-1",
					"mcp.oauth.client.registrations.w.flow=workload-identity");
	}

	private static String b64(String json) {
		return b64(json.getBytes(StandardCharsets.UTF_8));
	}

	private static String b64(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String jwt(String header, String payload) {
		return b64(header) + "." + b64(payload) + ".c2lnbmF0dXJl";
	}

	private static String aud(String aud) {
		return "{\"aud\":\"" + aud + "\"}";
	}

	private static String nested(String open, String close, int depth) {
		return open.repeat(depth) + close.repeat(depth);
	}

	/** Tokens that must never be sent. */
	private Map<String, String> mustBeRefused() {
		String iss = this.server.issuer();
		Map<String, String> tokens = new LinkedHashMap<>();
		// whole-token shapes
		for (String raw : new String[] { "", " ", ".", "..", "...", "....", ".....", "......", "a", "a.b", "a.b.c",
				"a.b.c.d", "a.b.c.d.e", "a.b.c.d.e.f", "\u0000.\u0000.\u0000", "\uFEFF", "e30.e30.e30" }) {
			tokens.put("raw " + raw.replace("\u0000", "\\0"), raw);
		}
		String evilJws = jwt("{\"alg\":\"RS256\"}", aud(EVIL));
		tokens.put("evil jws", evilJws);
		tokens.put("evil jws 4 parts", evilJws + ".c2ln");
		tokens.put("evil jws 5 parts", evilJws + ".c2ln.c2ln");
		tokens.put("evil jws 6 parts", evilJws + ".c2ln.c2ln.c2ln");
		tokens.put("good payload, 4 parts", jwt("{\"alg\":\"RS256\"}", aud(iss)) + ".c2ln");
		tokens.put("good payload, 6 parts", jwt("{\"alg\":\"RS256\"}", aud(iss)) + ".c2ln.c2ln.c2ln");
		tokens.put("trailing dot", jwt("{\"alg\":\"RS256\"}", aud(iss)) + ".");
		tokens.put("leading dot", "." + jwt("{\"alg\":\"RS256\"}", aud(iss)));
		tokens.put("non utf-8 header", b64(new byte[] { (byte) 0xff, (byte) 0xfe, '{', '}' }) + "." + b64(aud(iss))
				+ ".c2ln");
		// hostile headers (payload names another authorization server, so whatever Nimbus makes of the header,
		// nothing may be sent)
		for (String header : hostileHeaders()) {
			tokens.put("header " + abbreviate(header) + " / evil aud", jwt(header, aud(EVIL)));
		}
		// JWE: its claims cannot be read, so its aud cannot be checked
		for (String header : new String[] { "{\"alg\":\"dir\",\"enc\":\"A128GCM\"}",
				"{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"cty\":\"JWT\"}",
				"{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2147483647,\"p2s\":\"AAAA\"}",
				"{\"alg\":\"ECDH-ES\",\"enc\":\"A128GCM\",\"epk\":{\"kty\":\"EC\"}}",
				"{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}" }) {
			tokens.put("jwe " + header, b64(header) + ".." + b64("iv") + "." + b64(aud(iss)) + "." + b64("tag"));
			tokens.put("jwe with key " + header,
					b64(header) + "." + b64("key") + "." + b64("iv") + "." + b64(aud(iss)) + "." + b64("tag"));
			tokens.put("jwe 3 parts " + header, jwt(header, aud(iss)));
		}
		// unsecured
		tokens.put("alg none, evil aud", b64("{\"alg\":\"none\"}") + "." + b64(aud(EVIL)) + ".");
		tokens.put("alg none with signature", jwt("{\"alg\":\"none\"}", aud(iss)));
		tokens.put("alg NONE", b64("{\"alg\":\"NONE\"}") + "." + b64(aud(EVIL)) + ".");
		// payloads whose aud does not name it
		String[] payloads = { "null", "[]", "7", "\"x\"", "true", "{}", "", " ", aud(EVIL), aud(iss.toUpperCase()),
				aud(iss.replace("http", "HTTP")), aud(iss.replace("localhost", "LOCALHOST")),
				aud(iss.replace("localhost", "127.0.0.1")), aud(iss + "//"), aud(iss + "/."), aud(iss + "/.."),
				aud(iss + "/%2e"), aud(iss + "#"), aud(iss + "?"), aud(iss + " "), aud(" " + iss), aud(iss + "\\u0000"),
				aud(iss + "\\t"), aud(iss + "%2F"), aud(iss + "/\\u200b"), aud(iss.substring(0, iss.length() - 1)),
				aud(iss + "0"), aud(iss + "/token/x"), aud(iss + "/token//"), aud(iss + "/TOKEN"),
				aud(iss.replace("localhost", "localhost.")), aud(iss.replace("localhost", "\\uff4cocalhost")),
				aud("https://" + iss.substring("http://".length())), aud(iss + "@evil.example"),
				aud(EVIL + "#" + iss), aud(EVIL + "?" + iss), aud(EVIL + "/" + iss),
				"{\"AUD\":\"" + iss + "\"}", "{\"aud \":\"" + iss + "\"}", "{\" aud\":\"" + iss + "\"}",
				"{\"aud\":{\"0\":\"" + iss + "\"}}", "{\"aud\":[[\"" + iss + "\"]]}", "{\"aud\":7}", "{\"aud\":true}",
				"{\"aud\":[]}", "{\"aud\":\"\"}", "{\"aud\":[\"\"]}", "{\"aud\":[null]}", "{\"aud\":[\"/\"]}",
				"{\"aud\":\"/\"}", "{\"aud\":\"" + EVIL + "\",\"aud\":\"" + iss + "\"}",
				"{\"aud\":\"" + iss + "\",\"aud\":\"" + EVIL + "\"}",
				"{\"aud\":\"" + EVIL + "\",\"\\u0061ud\":\"" + iss + "\"}",
				"{'aud':'" + iss + "'}", "{aud:\"" + iss + "\"}", "{\"aud\":\"" + iss + "\",}",
				"/*c*/{\"aud\":\"" + iss + "\"}", "{\"aud\":\"" + iss + "\"}//", "#\n{\"aud\":\"" + iss + "\"}",
				")]}'\n{\"aud\":\"" + iss + "\"}", "{\"aud\":\"" + iss + "\"} {\"x\":1}",
				"{\"aud\":\"" + iss + "\"}x", "{\"aud\"=\"" + iss + "\"}", "{\"aud\"=>\"" + iss + "\"}",
				"{\"aud\":\"" + iss + "\";\"x\":1}", "[{\"aud\":\"" + iss + "\"}]",
				"{\"aud\":\"" + iss + "\",\"x\":" + nested("[", "]", 20000) + "}",
				"{\"x\":" + nested("{\"a\":", "}", 5000).replace("{\"a\":}", "{\"a\":1}") + ",\"aud\":\"" + iss
						+ "\"}",
				"{\"aud\":" + nested("[", "]", 5000).replace("[]", "[\"" + iss + "\"]") + "}",
				"{\"aud\":[\"" + EVIL + "\"" + ",\"x\"".repeat(5000) + "]}" };
		for (String payload : payloads) {
			tokens.put("payload " + abbreviate(payload), jwt("{\"alg\":\"RS256\"}", payload));
		}
		tokens.put("deep header array", jwt("{\"alg\":\"RS256\",\"x\":" + nested("[", "]", 20000) + "}", aud(iss)));
		tokens.put("deep header object",
				jwt("{\"alg\":\"RS256\",\"x\":" + nested("{\"a\":", "}", 5000).replace("{\"a\":}", "{\"a\":1}")
						+ "}", aud(iss)));
		tokens.put("deep jwk", jwt("{\"alg\":\"RS256\",\"jwk\":" + nested("{\"a\":", "}", 5000).replace(
				"{\"a\":}", "{\"a\":1}") + "}", aud(iss)));
		return tokens;
	}

	/** Tokens whose aud names the authorization server: may be sent, must end in the client's own exception. */
	private Map<String, String> mayBeSent() {
		String iss = this.server.issuer();
		Map<String, String> tokens = new LinkedHashMap<>();
		for (String header : hostileHeaders()) {
			tokens.put("header " + abbreviate(header) + " / good aud", jwt(header, aud(iss)));
		}
		String[] payloads = { aud(iss), aud(iss + "/"), aud(iss + "/token"), aud(iss + "/token/"),
				"{\"aud\":[\"" + EVIL + "\",\"" + iss + "\"]}", "{\"aud\":[\"" + iss + "\",7]}",
				"{\"aud\":[\"" + iss + "\",null]}", "{\"aud\":\"" + iss + "\",\"exp\":1e999}",
				"{\"aud\":\"" + iss + "\",\"exp\":\"x\"}", "{\"aud\":\"" + iss + "\",\"exp\":-1e300}",
				"{\"aud\":\"" + iss + "\",\"exp\":" + "9".repeat(5000) + "}",
				"{\"aud\":\"" + iss + "\",\"iat\":[],\"nbf\":{}}", "{\"aud\":\"" + iss + "\",\"iss\":7,\"sub\":[]}",
				"{\"aud\":\"" + iss + "\",\"jti\":{}}", "{\"aud\":\"" + iss + "\",\"exp\":null}",
				"{\"\\u0061ud\":\"" + iss + "\"}", "{\"aud\":\"\\u0068ttp" + iss.substring(4) + "\"}" };
		for (String payload : payloads) {
			tokens.put("payload " + abbreviate(payload), jwt("{\"alg\":\"RS256\"}", payload));
		}
		String good = jwt("{\"alg\":\"RS256\"}", aud(iss));
		String[] parts = good.split("\\.");
		tokens.put("alg none", b64("{\"alg\":\"none\"}") + "." + b64(aud(iss)) + ".");
		tokens.put("empty signature", parts[0] + "." + parts[1] + ".");
		tokens.put("signature not base64url", parts[0] + "." + parts[1] + ".not base64url!*~");
		tokens.put("signature non-ascii", parts[0] + "." + parts[1] + ".\u2603\u00e9");
		tokens.put("header padded", parts[0] + "==." + parts[1] + ".c2ln");
		tokens.put("header standard base64 chars", parts[0] + "+/." + parts[1] + ".c2ln");
		tokens.put("whitespace inside", parts[0].substring(0, 4) + " \n\t" + parts[0].substring(4) + "." + parts[1]
				+ ".c2ln");
		tokens.put("leading and trailing whitespace", " \n" + good + "\n ");
		tokens.put("bom", "\uFEFF" + good);
		tokens.put("nbsp", good + "\u00A0");
		tokens.put("b64 false", b64("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}") + "." + aud(iss)
				+ ".c2ln");
		return tokens;
	}

	private static List<String> hostileHeaders() {
		List<String> headers = new ArrayList<>(List.of("null", "[]", "\"x\"", "7", "true", "{}", "{\"alg\":null}",
				"{\"alg\":\"\"}", "{\"alg\":7}", "{\"alg\":{}}", "{\"alg\":[\"RS256\"]}", "{\"alg\":true}",
				"{\"alg\":\" \"}", "{\"alg\":\"RS256\",\"alg\":\"none\"}", "{\"alg\":\"none\",\"alg\":\"RS256\"}"));
		for (String member : new String[] { "\"jwk\":\"x\"", "\"jwk\":7", "\"jwk\":null", "\"jwk\":[]", "\"jwk\":{}",
				"\"jwk\":{\"kty\":null}", "\"jwk\":{\"kty\":7}", "\"jwk\":{\"kty\":\"EC\"}",
				"\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}",
				"\"jwk\":{\"kty\":\"EC\",\"crv\":7,\"x\":7,\"y\":[]}",
				"\"jwk\":{\"kty\":\"RSA\",\"n\":\"\",\"e\":\"\"}", "\"jwk\":{\"kty\":\"RSA\",\"n\":7,\"e\":{}}",
				"\"jwk\":{\"kty\":\"oct\",\"k\":\"\"}", "\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"\"}",
				"\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"x5c\":[\"AAAA\"]}",
				"\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"x5c\":[7]}",
				"\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"key_ops\":\"x\",\"use\":7}",
				"\"jwk\":{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"exp\":\"x\",\"iat\":[]}",
				"\"x5c\":\"x\"", "\"x5c\":[7]", "\"x5c\":[null]", "\"x5c\":[\"!!\"]", "\"x5c\":{}", "\"crit\":\"b64\"",
				"\"crit\":[7]", "\"crit\":[null]", "\"crit\":[\"b64\"]", "\"crit\":[\"alg\"]", "\"crit\":[]",
				"\"b64\":\"false\"", "\"b64\":null", "\"b64\":7", "\"typ\":7", "\"typ\":null", "\"typ\":[]",
				"\"cty\":{}", "\"kid\":[]", "\"kid\":7", "\"jku\":\":::\"", "\"jku\":7", "\"x5u\":\"http://[\"",
				"\"x5t\":7", "\"x5t#S256\":{}", "\"zip\":7", "\"zip\":\"DEF\"", "\"enc\":null", "\"enc\":7",
				"\"enc\":\"\"", "\"enc\":\"A128GCM\"", "\"epk\":\"x\"", "\"p2c\":\"x\"", "\"iat\":\"x\"",
				"\"\":null", "\"\\u0000\":1" }) {
			headers.add("{\"alg\":\"RS256\"," + member + "}");
			headers.add("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\"," + member + "}");
			headers.add("{\"alg\":\"none\"," + member + "}");
		}
		headers.add("{\"alg\":\"RSA-OAEP\",\"enc\":null}");
		headers.add("{\"alg\":\"RSA-OAEP\",\"enc\":7}");
		headers.add("{\"alg\":\"RSA-OAEP\",\"enc\":\"\"}");
		headers.add("{\"alg\":\"RSA-OAEP\"}");
		headers.add("{\"alg\":\"" + "A".repeat(40000) + "\"}");
		return headers;
	}

	private static String abbreviate(String value) {
		String shown = value.replace("\n", "\\n");
		return (shown.length() > 90) ? shown.substring(0, 90) + "...(" + shown.length() + ")" : shown;
	}

	private static List<String> secrets(String token) {
		List<String> secrets = new ArrayList<>();
		if (token.trim().length() >= 8) {
			secrets.add(token.trim());
		}
		for (String part : token.split("\\.")) {
			if (part.trim().length() >= 12) {
				secrets.add(part.trim());
			}
		}
		return secrets;
	}

	private static String messages(Throwable ex) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = ex; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			text.append(t).append('\n');
			if (t instanceof McpOAuthClientException mcp) {
				text.append(mcp.getError()).append(' ').append(mcp.getErrorDescription()).append('\n');
			}
		}
		return text.toString();
	}

	/**
	 * Not JWTs in compact serialization (RFC 7515 section 7.1: three base64url segments; RFC 7519 section 7.2), yet
	 * Nimbus parses them (it ignores characters outside the alphabet and never decodes the signature) and the client
	 * sends them as the assertion. Their aud names the authorization server, so this is a malformed token causing a
	 * token request, not a token sent to the wrong server.
	 */
	@Test
	void aTokenFileThatIsNotACompactJwtButWhoseAudNamesTheServerIsStillRefusedWithoutATokenRequest(
			@TempDir Path temp) throws Exception {
		String good = jwt("{\"alg\":\"RS256\"}", aud(this.server.issuer()));
		String[] parts = good.split("\\.");
		Map<String, String> tokens = new LinkedHashMap<>();
		tokens.put("signature not base64url", parts[0] + "." + parts[1] + ".not base64url!*~");
		tokens.put("signature non-ascii", parts[0] + "." + parts[1] + ".\u2603\u00e9");
		tokens.put("header with padding", parts[0] + "==." + parts[1] + ".c2ln");
		tokens.put("line break inside the header", parts[0].substring(0, 4) + "\n" + parts[0].substring(4) + "."
				+ parts[1] + ".c2ln");
		tokens.put("byte order mark", "\uFEFF" + good);
		tokens.put("trailing no-break space", good + "\u00A0");
		tokens.put("alg empty", jwt("{\"alg\":\"\"}", aud(this.server.issuer())));
		tokens.put("unsecured, alg none", jwt("{\"alg\":\"none\"}", aud(this.server.issuer())).replaceAll("\\.[^.]*$", "."));
		this.server.tokenResponse.set((request) -> new Response(400,
				"{\"error\":\"invalid_grant\",\"error_description\":\"no\"}", Map.of()));
		Path file = temp.resolve("token");
		Files.writeString(file, good);
		List<String> failures = new ArrayList<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.w.server-url=" + this.server.mcp(),
					"mcp.oauth.client.registrations.w.client-id=workload-1",
					"mcp.oauth.client.registrations.w.flow=workload-identity",
					"mcp.oauth.client.registrations.w.workload-identity.token-file=" + file)
			.run((context) -> {
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
				for (Map.Entry<String, String> entry : tokens.entrySet()) {
					Files.writeString(file, entry.getValue());
					int before = this.server.tokenRequests().size();
					try {
						authorization.accessToken();
						failures.add(entry.getKey() + ": accepted, token request sent");
					}
					catch (McpOAuthClientException ex) {
						if (this.server.tokenRequests().size() > before) {
							failures.add(entry.getKey() + ": token request sent (" + ex.getError() + ")");
						}
					}
				}
			});
		this.server.tokenRequests().forEach((request) -> System.err.println("SENT assertion: "
				+ abbreviate(String.valueOf(request.form().get("assertion")))));
		failures.forEach((failure) -> System.err.println("FAILURE " + failure));
		assertThat(failures).isEmpty();
	}

	@Test
	void noHostileWorkloadTokenIsSentEscapesAsAnotherExceptionOrIsQuoted(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel("org.springframework.web", LogLevel.TRACE);
		logging.setLogLevel("org.springframework.security", LogLevel.TRACE);
		logging.setLogLevel("dev.mcpoauth", LogLevel.TRACE);
		this.server.tokenResponse.set((request) -> new Response(400,
				"{\"error\":\"invalid_grant\",\"error_description\":\"no\"}", Map.of()));
		List<String> failures = new ArrayList<>();
		List<String> sentAllowed = new ArrayList<>();
		List<String> all = new ArrayList<>();
		try {
			runner().run((context) -> {
				assertThat(context).hasNotFailed();
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
				Map<String, String> refuse = mustBeRefused();
				Map<String, String> may = mayBeSent();
				for (boolean mustRefuse : new boolean[] { true, false }) {
					for (Map.Entry<String, String> entry : (mustRefuse ? refuse : may).entrySet()) {
						String name = (mustRefuse ? "[must refuse] " : "[may send] ") + entry.getKey();
						String token = entry.getValue();
						all.add(token);
						this.current.set(token);
						int before = this.server.tokenRequests().size();
						try {
							authorization.accessToken();
							failures.add(name + ": no exception at all");
						}
						catch (McpOAuthClientException ex) {
							String text = messages(ex);
							for (String secret : secrets(token)) {
								if (text.contains(secret)) {
									failures.add(name + ": exception quotes the token: " + abbreviate(text));
									break;
								}
							}
							if (mustRefuse && !List.of("invalid_workload_token", "workload_token_audience_mismatch")
								.contains(ex.getError())) {
								failures.add(name + ": refused with " + ex.getError());
							}
						}
						catch (Throwable ex) {
							failures.add(name + ": escaped as " + abbreviate(ex.toString()));
						}
						int sent = this.server.tokenRequests().size() - before;
						if (sent > 0) {
							if (mustRefuse) {
								failures.add(name + ": " + sent + " token request(s)");
							}
							else {
								sentAllowed.add(name);
							}
						}
					}
				}
			});
		}
		finally {
			logging.setLogLevel("org.springframework.web", null);
			logging.setLogLevel("org.springframework.security", null);
			logging.setLogLevel("dev.mcpoauth", null);
		}
		String log = output.toString();
		System.err.println("SENT (aud names the authorization server): " + sentAllowed.size());
		sentAllowed.forEach((name) -> System.err.println("  " + name));
		for (String token : all) {
			for (String secret : secrets(token)) {
				if (log.contains(secret)) {
					failures.add("log quotes " + abbreviate(secret));
					break;
				}
			}
		}
		failures.forEach((failure) -> System.err.println("FAILURE " + failure));
		assertThat(failures).isEmpty();
	}

}
