package dev.mcpoauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;

/**
 * An MCP server's authorization server for SEP-990 tests, on loopback: RFC 8414 metadata, a JWK Set, and at
 * {@code /token} the RFC 7523 JWT bearer grant, which verifies the ID-JAG (signature by the identity provider,
 * {@code typ}, {@code aud}, {@code client_id}, {@code resource}) and the client's authentication, then issues a
 * signed JWT access token for the requested resource. Anything off is answered {@code invalid_request} naming it.
 */
public final class StubMcpAuthorizationServer implements AutoCloseable {

	private final StubHttpServer http = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private final StubEnterpriseIdp idp;

	private final String clientId;

	private final String clientSecret;

	/**
	 * @param idp the identity provider whose ID-JAGs are trusted
	 * @param clientId the client's id here
	 * @param clientSecret the client's secret here (client_secret_basic)
	 */
	public StubMcpAuthorizationServer(StubEnterpriseIdp idp, String clientId, String clientSecret) {
		this.idp = idp;
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.http.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + issuer()
				+ "\",\"token_endpoint\":\"" + issuer() + "/token\",\"jwks_uri\":\"" + issuer() + "/jwks\","
				+ "\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:jwt-bearer\"],"
				+ "\"authorization_grant_profiles_supported\":[\"urn:ietf:params:oauth:grant-profile:id-jag\"]}");
		this.http.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		this.http.handle("/token", this::jwtBearer);
	}

	/** Also serve Protected Resource Metadata for an MCP endpoint at {@code /mcp} of this server. */
	public StubMcpAuthorizationServer withProtectedResource(String scopesSupportedJson) {
		this.http.serve("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"" + issuer()
				+ "/mcp\",\"authorization_servers\":[\"" + issuer() + "\"],\"scopes_supported\":" + scopesSupportedJson
				+ "}");
		return this;
	}

	public String issuer() {
		return this.http.url();
	}

	public long tokenRequests() {
		return this.http.requestsFor("/token");
	}

	/** The {@code assertion} (ID-JAG) of every token request received. */
	public List<String> assertions() {
		return this.http.requestsTo("/token").stream().map((request) -> request.form().get("assertion")).toList();
	}

	private Response jwtBearer(Request request) {
		Map<String, String> form = request.form();
		List<String> problems = new ArrayList<>();
		StubEnterpriseIdp.expect(problems, form, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
		if (!StubEnterpriseIdp.basic(this.clientId, this.clientSecret).equals(request.header("Authorization"))) {
			problems.add("client authentication");
		}
		try {
			SignedJWT idJag = SignedJWT.parse(form.get("assertion"));
			JWTClaimsSet claims = idJag.getJWTClaimsSet();
			if (!idJag.verify(new RSASSAVerifier(this.idp.key().toPublicJWK()))) {
				problems.add("assertion signature");
			}
			if (!new JOSEObjectType(StubEnterpriseIdp.ID_JAG_TYP).equals(idJag.getHeader().getType())) {
				problems.add("assertion typ");
			}
			if (!List.of(issuer()).equals(claims.getAudience()) || !this.idp.issuer().equals(claims.getIssuer())
					|| !this.clientId.equals(claims.getClaim("client_id"))
					|| !String.valueOf(form.get("resource")).equals(claims.getClaim("resource"))) {
				problems.add("assertion claims");
			}
			if (!problems.isEmpty()) {
				return StubEnterpriseIdp.invalidRequest(problems);
			}
			String accessToken = Jwts.sign(this.key, issuer(), form.get("resource"),
					(access) -> access.subject(claims.getSubject()).claim("scope", form.get("scope")));
			return Response.json("{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		}
		catch (Exception ex) {
			problems.add("assertion");
			return StubEnterpriseIdp.invalidRequest(problems);
		}
	}

	@Override
	public void close() {
		this.http.close();
	}

}
