package dev.mcpoauth.client;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * SEP-990 cross-app access against two stubs on loopback that check every parameter of their step and answer
 * {@code invalid_request} naming whatever is off: an enterprise identity provider (RFC 8693 token exchange of the
 * ID token for an ID-JAG) and the MCP server's authorization server (RFC 7523 JWT bearer grant with the ID-JAG,
 * whose signature, {@code typ} and claims it verifies).
 */
class CrossAppAccessFlowTests {

	private static final String ID_JAG_TYP = "oauth-id-jag+jwt";

	private final StubHttpServer idp = new StubHttpServer();

	private final StubAuthorizationServer mcp = new StubAuthorizationServer();

	private final RSAKey idpKey = Jwts.rsa();

	private final AtomicReference<String> idToken = new AtomicReference<>(idToken("alice"));

	private final AtomicReference<Response> idpOverride = new AtomicReference<>();

	CrossAppAccessFlowTests() {
		this.idp.handle("/token", this::exchange);
		this.mcp.tokenResponse.set(this::jwtBearer);
	}

	@AfterEach
	void stop() {
		this.idp.close();
		this.mcp.close();
	}

	private String idToken(String user) {
		return Jwts.sign(this.idpKey, JOSEObjectType.JWT, this.idp.url(), "client-at-idp", (claims) -> claims.subject(user));
	}

	/** Step 1 at the identity provider. */
	private Response exchange(Request request) {
		if (this.idpOverride.get() != null) {
			return this.idpOverride.get();
		}
		Map<String, String> form = request.form();
		List<String> problems = new ArrayList<>();
		expect(problems, form, "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		expect(problems, form, "requested_token_type", "urn:ietf:params:oauth:token-type:id-jag");
		expect(problems, form, "subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
		expect(problems, form, "subject_token", this.idToken.get());
		expect(problems, form, "audience", this.mcp.issuer());
		expect(problems, form, "resource", this.mcp.mcp());
		expect(problems, form, "scope", "a b");
		if (!basic("idp-client", "idp-secret").equals(request.header("Authorization"))) {
			problems.add("client authentication");
		}
		if (!problems.isEmpty()) {
			return invalidRequest(problems);
		}
		String user;
		try {
			user = SignedJWT.parse(form.get("subject_token")).getJWTClaimsSet().getSubject();
		}
		catch (Exception ex) {
			return invalidRequest(List.of("subject_token"));
		}
		String idJag = Jwts.sign(this.idpKey, new JOSEObjectType(ID_JAG_TYP), this.idp.url(), this.mcp.issuer(),
				(claims) -> claims.subject(user)
					.claim("resource", this.mcp.mcp())
					.claim("client_id", "client-1")
					.claim("scope", "a b"));
		return Response.json("{\"access_token\":\"" + idJag + "\",\"issued_token_type\":"
				+ "\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\",\"expires_in\":300}");
	}

	/** Step 2 at the MCP server's authorization server. */
	private Response jwtBearer(Request request) {
		Map<String, String> form = request.form();
		List<String> problems = new ArrayList<>();
		expect(problems, form, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
		expect(problems, form, "resource", this.mcp.mcp());
		if (!basic("client-1", "s3cret").equals(request.header("Authorization"))) {
			problems.add("client authentication");
		}
		try {
			SignedJWT idJag = SignedJWT.parse(form.get("assertion"));
			JWTClaimsSet claims = idJag.getJWTClaimsSet();
			if (!idJag.verify(new RSASSAVerifier(this.idpKey.toPublicJWK()))) {
				problems.add("assertion signature");
			}
			if (!new JOSEObjectType(ID_JAG_TYP).equals(idJag.getHeader().getType())) {
				problems.add("assertion typ");
			}
			if (!claims.getAudience().equals(List.of(this.mcp.issuer())) || !this.idp.url().equals(claims.getIssuer())
					|| !"client-1".equals(claims.getClaim("client_id"))
					|| !this.mcp.mcp().equals(claims.getClaim("resource"))) {
				problems.add("assertion claims");
			}
			if (!problems.isEmpty()) {
				return invalidRequest(problems);
			}
			return Response.json("{\"access_token\":\"at-for-" + claims.getSubject()
					+ "-" + java.util.UUID.randomUUID() + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
		}
		catch (Exception ex) {
			problems.add("assertion");
			return invalidRequest(problems);
		}
	}

	private static void expect(List<String> problems, Map<String, String> form, String name, String value) {
		if (!value.equals(form.get(name))) {
			problems.add(name);
		}
	}

	private static String basic(String id, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
	}

	private static Response invalidRequest(List<String> problems) {
		return new Response(400, "{\"error\":\"invalid_request\",\"error_description\":\"wrong: "
				+ String.join(", ", problems) + "\"}", Map.of());
	}

	private ApplicationContextRunner runner() {
		String prefix = "mcp.oauth.client.registrations.s.";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withBean(IdTokenResolver.class, () -> this.idToken::get)
			.withPropertyValues(prefix + "server-url=" + this.mcp.mcp(), prefix + "flow=cross-app-access",
					prefix + "client-id=client-1", prefix + "client-secret=s3cret",
					prefix + "cross-app-access.idp-token-uri=" + this.idp.url() + "/token",
					prefix + "cross-app-access.idp-client-id=idp-client",
					prefix + "cross-app-access.idp-client-secret=idp-secret");
	}

	private void withAuthorization(java.util.function.Consumer<McpAuthorization> test) {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
		});
	}

	@Test
	void exchangesTheIdTokenForAnIdJagAndTheIdJagForAnAccessToken() {
		withAuthorization((authorization) -> {
			assertThat(authorization.accessToken()).startsWith("at-for-alice-");
			assertThat(this.idp.requestsFor("/token")).isEqualTo(1);
			assertThat(this.mcp.tokenRequests()).hasSize(1);
		});
	}

	@Test
	void tokensAreCachedPerUserAndNeverShared() {
		withAuthorization((authorization) -> {
			String alice = authorization.accessToken();
			this.idToken.set(idToken("bob"));
			String bob = authorization.accessToken();
			assertThat(bob).startsWith("at-for-bob-");
			this.idToken.set(idToken("alice"));
			assertThat(authorization.accessToken()).isEqualTo(alice);
			assertThat(this.idp.requestsFor("/token")).isEqualTo(2);
		});
	}

	@Test
	void identityProviderErrorsBecomeTypedExceptions() {
		this.idpOverride.set(new Response(400,
				"{\"error\":\"invalid_grant\",\"error_description\":\"The ID token has expired\"}", Map.of()));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_grant");
				assertThat(ex.getErrorDescription()).isEqualTo("The ID token has expired");
				assertThat(ex.getHttpStatus()).isEqualTo(400);
				assertThat(ex.getMessage()).doesNotContain(this.idToken.get()).doesNotContain("idp-secret");
			}));
		assertThat(this.mcp.tokenRequests()).isEmpty();
	}

	@Test
	void refusesAnAnswerThatIsNotAnIdJag() {
		this.idpOverride.set(Response.json("{\"access_token\":\"x\",\"issued_token_type\":"
				+ "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\"}"));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.withMessageContaining("instead of an ID-JAG"));
		String untyped = Jwts.sign(this.idpKey, this.idp.url(), this.mcp.issuer());
		this.idpOverride.set(Response.json("{\"access_token\":\"" + untyped + "\",\"issued_token_type\":"
				+ "\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\"}"));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.withMessageContaining("not typed oauth-id-jag+jwt"));
		assertThat(this.mcp.tokenRequests()).isEmpty();
	}

	@Test
	void withoutAnIdTokenThereIsNoToken() {
		this.idToken.set(null);
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("no_id_token")));
	}

}
