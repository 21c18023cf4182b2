package dev.mcpoauth;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;

/**
 * An enterprise identity provider for SEP-990 tests, on loopback: issues users' ID tokens, and at {@code /token}
 * exchanges one for an ID-JAG (RFC 8693) after checking every parameter; anything off is answered
 * {@code invalid_request} naming it.
 */
public final class StubEnterpriseIdp implements AutoCloseable {

	/** The {@code typ} of an ID-JAG. */
	public static final String ID_JAG_TYP = "oauth-id-jag+jwt";

	private final StubHttpServer http = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private final String clientId;

	private final String clientSecret;

	private final String mcpClientId;

	private final AtomicReference<Response> override = new AtomicReference<>();

	private volatile String audience;

	private volatile String resource;

	private volatile String scope;

	/**
	 * @param clientId the client's id here
	 * @param clientSecret the client's secret here (client_secret_basic)
	 * @param mcpClientId the client's id at the MCP authorization server, put in the ID-JAG
	 */
	public StubEnterpriseIdp(String clientId, String clientSecret, String mcpClientId) {
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.mcpClientId = mcpClientId;
		this.http.handle("/token", this::exchange);
		this.http.serve("/.well-known/oauth-authorization-server",
				"{\"issuer\":\"" + issuer() + "\",\"token_endpoint\":\"" + tokenUri() + "\"}");
	}

	/** What the token exchange must ask for. */
	public StubEnterpriseIdp expect(String audience, String resource, String scope) {
		this.audience = audience;
		this.resource = resource;
		this.scope = scope;
		return this;
	}

	/** Answer every exchange with this response instead. */
	public void override(Response response) {
		this.override.set(response);
	}

	public String issuer() {
		return this.http.url();
	}

	public String tokenUri() {
		return this.http.url() + "/token";
	}

	public RSAKey key() {
		return this.key;
	}

	public long exchanges() {
		return this.http.requestsFor("/token");
	}

	/** An ID token of this identity provider for the user. */
	public String idToken(String user) {
		return Jwts.sign(this.key, JOSEObjectType.JWT, issuer(), this.clientId, (claims) -> claims.subject(user));
	}

	private Response exchange(Request request) {
		if (this.override.get() != null) {
			return this.override.get();
		}
		Map<String, String> form = request.form();
		List<String> problems = new ArrayList<>();
		expect(problems, form, "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		expect(problems, form, "requested_token_type", "urn:ietf:params:oauth:token-type:id-jag");
		expect(problems, form, "subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
		expect(problems, form, "audience", this.audience);
		expect(problems, form, "resource", this.resource);
		expect(problems, form, "scope", this.scope);
		if (!basic(this.clientId, this.clientSecret).equals(request.header("Authorization"))) {
			problems.add("client authentication");
		}
		String user = null;
		try {
			SignedJWT idToken = SignedJWT.parse(form.get("subject_token"));
			if (!idToken.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(this.key.toPublicJWK()))) {
				problems.add("subject_token signature");
			}
			user = idToken.getJWTClaimsSet().getSubject();
		}
		catch (Exception ex) {
			problems.add("subject_token");
		}
		if (!problems.isEmpty()) {
			return invalidRequest(problems);
		}
		String subject = user;
		String idJag = Jwts.sign(this.key, new JOSEObjectType(ID_JAG_TYP), issuer(), form.get("audience"),
				(claims) -> claims.subject(subject)
					.claim("resource", form.get("resource"))
					.claim("client_id", this.mcpClientId)
					.claim("scope", form.get("scope")));
		return Response.json("{\"access_token\":\"" + idJag + "\",\"issued_token_type\":"
				+ "\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\",\"expires_in\":300}");
	}

	static void expect(List<String> problems, Map<String, String> form, String name, String value) {
		if (value != null && !value.equals(form.get(name))) {
			problems.add(name);
		}
	}

	static String basic(String id, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
	}

	static Response invalidRequest(List<String> problems) {
		return new Response(400, "{\"error\":\"invalid_request\",\"error_description\":\"wrong: "
				+ String.join(", ", problems) + "\"}", Map.of());
	}

	@Override
	public void close() {
		this.http.close();
	}

}
