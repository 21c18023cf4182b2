package dev.mcpoauth.client.authorizationcode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;

/**
 * An MCP server's metadata and an authorization server for the authorization code flow on one loopback stub, each
 * rule of which a test can bend: Protected Resource Metadata for {@code /mcp}; RFC 8414 metadata (a mutable map);
 * {@code /authorize}, which approves at once and redirects to the {@code redirect_uri} with a code, the
 * {@code state} and {@code iss} (or whatever the test sets instead); {@code /token}, which checks the code, the PKCE
 * verifier (S256), the redirect URI and the client, and issues access and refresh tokens; and {@code /register}
 * (RFC 7591). Every request is recorded.
 */
final class StubAuthorizationCodeServer implements AutoCloseable {

	/** How {@code /authorize} sets {@code iss}. */
	enum Iss {

		CORRECT, MISSING, WRONG, NORMALIZED

	}

	final StubHttpServer http = new StubHttpServer();

	final Map<String, Object> metadata = new LinkedHashMap<>();

	final AtomicReference<Map<String, Object>> protectedResource = new AtomicReference<>();

	final AtomicReference<Iss> iss = new AtomicReference<>(Iss.CORRECT);

	/** Where {@code /authorize} redirects instead of the {@code redirect_uri}, when set. */
	final AtomicReference<String> redirectTo = new AtomicReference<>();

	/** The {@code state} {@code /authorize} sends back instead of the one received, when set. */
	final AtomicReference<String> state = new AtomicReference<>();

	/** An error {@code /authorize} answers with, when set. */
	final AtomicReference<String> error = new AtomicReference<>();

	/** Whether {@code /authorize} shows a page (200) instead of redirecting. */
	volatile boolean interactive;

	/** The registration endpoint's answer, when set; by default 201 with a new public client. */
	final AtomicReference<Function<Request, Response>> registrationResponse = new AtomicReference<>();

	/** The token endpoint's answer, when set; by default its checks and a token. */
	final AtomicReference<Function<Request, Response>> tokenResponse = new AtomicReference<>();

	/** {@code expires_in} of issued access tokens. */
	volatile int expiresIn = 300;

	/** Whether issued tokens come with a refresh token. */
	volatile boolean refreshTokens = true;

	private final Map<String, Grant> codes = new ConcurrentHashMap<>();

	private final Map<String, Grant> refreshTokensIssued = new ConcurrentHashMap<>();

	private final AtomicInteger counter = new AtomicInteger();

	/** Distinguishes the ids and tokens of several stubs in one test. */
	private final String name;

	StubAuthorizationCodeServer() {
		this("");
	}

	StubAuthorizationCodeServer(String name) {
		this.name = name;
		this.metadata.put("issuer", issuer());
		this.metadata.put("authorization_endpoint", issuer() + "/authorize");
		this.metadata.put("token_endpoint", issuer() + "/token");
		this.metadata.put("registration_endpoint", issuer() + "/register");
		this.metadata.put("response_types_supported", List.of("code"));
		this.metadata.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
		this.metadata.put("code_challenge_methods_supported", List.of("S256"));
		this.metadata.put("token_endpoint_auth_methods_supported", List.of("none"));
		this.metadata.put("authorization_response_iss_parameter_supported", true);
		this.protectedResource.set(prm(issuer(), List.of("mcp:read")));
		this.http.serve("/.well-known/oauth-protected-resource/mcp",
				() -> JSONObjectUtils.toJSONString(this.protectedResource.get()));
		this.http.serve("/.well-known/oauth-authorization-server", () -> JSONObjectUtils.toJSONString(this.metadata));
		this.http.handle("/authorize", this::authorize);
		this.http.handle("/token", (request) -> (this.tokenResponse.get() != null)
				? this.tokenResponse.get().apply(request) : token(request));
		this.http.handle("/register", (request) -> (this.registrationResponse.get() != null)
				? this.registrationResponse.get().apply(request) : register(request));
	}

	/** Protected Resource Metadata for this stub's {@code /mcp} naming an authorization server. */
	Map<String, Object> prm(String authorizationServer, List<String> scopesSupported) {
		Map<String, Object> prm = new LinkedHashMap<>();
		prm.put("resource", mcp());
		prm.put("authorization_servers", List.of(authorizationServer));
		if (scopesSupported != null) {
			prm.put("scopes_supported", scopesSupported);
		}
		return prm;
	}

	String issuer() {
		return this.http.url();
	}

	String mcp() {
		return this.http.url() + "/mcp";
	}

	List<Request> authorizeRequests() {
		return this.http.requestsTo("/authorize");
	}

	List<Request> tokenRequests() {
		return this.http.requestsTo("/token");
	}

	List<Request> registrations() {
		return this.http.requestsTo("/register");
	}

	/** The codes this server issued, which must never show in a message or log. */
	List<String> codesIssued() {
		return new ArrayList<>(this.codes.keySet());
	}

	private Response authorize(Request request) {
		if (this.interactive) {
			return new Response(200, "<html>login</html>", Map.of("Content-Type", "text/html"));
		}
		Map<String, String> query = request.queryParameters();
		String code = "code-" + this.name + this.counter.incrementAndGet() + "-secret";
		this.codes.put(code, new Grant(query.get("client_id"), query.get("code_challenge"), query.get("redirect_uri"),
				query.get("scope"), query.get("resource")));
		StringBuilder location = new StringBuilder(
				(this.redirectTo.get() != null) ? this.redirectTo.get() : query.get("redirect_uri"));
		location.append('?');
		if (this.error.get() != null) {
			location.append("error=").append(this.error.get()).append("&error_description=The%20user%20said%20no");
		}
		else {
			location.append("code=").append(code);
		}
		String sentState = (this.state.get() != null) ? this.state.get() : query.get("state");
		if (sentState != null) {
			location.append("&state=").append(sentState);
		}
		switch (this.iss.get()) {
			case CORRECT -> location.append("&iss=").append(issuer());
			case WRONG -> location.append("&iss=https://evil.example");
			case NORMALIZED -> location.append("&iss=").append(issuer()).append('/');
			case MISSING -> {
			}
		}
		return new Response(302, "", Map.of("Location", location.toString()));
	}

	/** The token endpoint's own answer (for a test's answer that defers to it). */
	Response token(Request request) {
		Map<String, String> form = request.form();
		String grantType = form.get("grant_type");
		if ("refresh_token".equals(grantType)) {
			Grant grant = this.refreshTokensIssued.get(String.valueOf(form.get("refresh_token")));
			return (grant != null) ? issue(grant) : error(400, "invalid_grant");
		}
		if (!"authorization_code".equals(grantType)) {
			return error(400, "unsupported_grant_type");
		}
		Grant grant = this.codes.remove(String.valueOf(form.get("code")));
		if (grant == null) {
			return error(400, "invalid_grant");
		}
		String verifier = form.get("code_verifier");
		if (verifier == null || !s256(verifier).equals(grant.challenge())) {
			return error(400, "invalid_grant");
		}
		if (!String.valueOf(form.get("redirect_uri")).equals(grant.redirectUri())) {
			return error(400, "invalid_grant");
		}
		String clientId = (form.get("client_id") != null) ? form.get("client_id") : basicClientId(request);
		if (!String.valueOf(clientId).equals(grant.clientId())) {
			return error(401, "invalid_client");
		}
		return issue(grant);
	}

	private Response issue(Grant grant) {
		int n = this.counter.incrementAndGet();
		Map<String, Object> response = new LinkedHashMap<>();
		response.put("access_token", "at-" + this.name + n);
		response.put("token_type", "Bearer");
		response.put("expires_in", this.expiresIn);
		if (grant.scope() != null) {
			response.put("scope", grant.scope());
		}
		if (this.refreshTokens) {
			String refreshToken = "rt-" + this.name + n;
			this.refreshTokensIssued.put(refreshToken, grant);
			response.put("refresh_token", refreshToken);
		}
		return Response.json(JSONObjectUtils.toJSONString(response));
	}

	private Response register(Request request) {
		try {
			Map<String, Object> body = JSONObjectUtils.parse(request.body());
			Map<String, Object> client = new LinkedHashMap<>(body);
			client.put("client_id", "dyn-" + this.name + this.counter.incrementAndGet());
			if (!"none".equals(body.get("token_endpoint_auth_method"))) {
				client.put("client_secret", "dyn-secret");
			}
			return new Response(201, JSONObjectUtils.toJSONString(client), Map.of());
		}
		catch (java.text.ParseException ex) {
			return error(400, "invalid_client_metadata");
		}
	}

	static Response error(int status, String error) {
		return new Response(status, "{\"error\":\"" + error + "\",\"error_description\":\"refused by the stub\"}",
				Map.of());
	}

	private static String basicClientId(Request request) {
		String authorization = request.header("Authorization");
		if (authorization == null || !authorization.startsWith("Basic ")) {
			return null;
		}
		String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
		return java.net.URLDecoder.decode(decoded.substring(0, decoded.indexOf(':')), StandardCharsets.UTF_8);
	}

	static String s256(String verifier) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The scopes of a request's {@code scope} parameter. */
	static Set<String> scopes(Map<String, String> parameters) {
		String scope = parameters.get("scope");
		return (scope == null || scope.isBlank()) ? Set.of() : Set.of(scope.split(" "));
	}

	@Override
	public void close() {
		this.http.close();
	}

	private record Grant(String clientId, String challenge, String redirectUri, String scope, String resource) {
	}

}
