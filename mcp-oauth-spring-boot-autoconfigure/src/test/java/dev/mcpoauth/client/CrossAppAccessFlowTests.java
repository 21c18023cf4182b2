package dev.mcpoauth.client;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubEnterpriseIdp;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.StubMcpAuthorizationServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * SEP-990 cross-app access against two strict stubs on loopback: the enterprise identity provider checks every
 * parameter of the RFC 8693 exchange, the MCP authorization server every parameter of the RFC 7523 grant and the
 * ID-JAG's signature, {@code typ} and claims; either answers {@code invalid_request} naming what is off.
 */
class CrossAppAccessFlowTests {

	private final StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-secret", "client-1");

	private final StubMcpAuthorizationServer mcp = new StubMcpAuthorizationServer(this.idp, "client-1", "s3cret")
		.withProtectedResource("[\"a\",\"b\"]");

	private final AtomicReference<String> idToken = new AtomicReference<>(this.idp.idToken("alice"));

	CrossAppAccessFlowTests() {
		this.idp.expect(this.mcp.issuer(), this.mcp.issuer() + "/mcp", "a b");
	}

	@AfterEach
	void stop() {
		this.idp.close();
		this.mcp.close();
	}

	private void withAuthorization(java.util.function.Consumer<McpAuthorization> test) {
		withAuthorization("cross-app-access.idp-token-uri=" + this.idp.tokenUri(), test);
	}

	private void withAuthorization(String identityProvider, java.util.function.Consumer<McpAuthorization> test) {
		String prefix = "mcp.oauth.client.registrations.s.";
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withBean(IdTokenResolver.class, () -> this.idToken::get)
			.withPropertyValues(prefix + "server-url=" + this.mcp.issuer() + "/mcp", prefix + "flow=cross-app-access",
					prefix + "client-id=client-1", prefix + "client-secret=s3cret",
					prefix + identityProvider,
					prefix + "cross-app-access.idp-client-id=idp-client",
					prefix + "cross-app-access.idp-client-secret=idp-secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
			});
	}

	private static String subject(String accessToken) {
		try {
			return com.nimbusds.jwt.SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject();
		}
		catch (java.text.ParseException ex) {
			throw new AssertionError(ex);
		}
	}

	@Test
	void exchangesTheIdTokenForAnIdJagAndTheIdJagForAnAccessToken() {
		withAuthorization((authorization) -> {
			assertThat(subject(authorization.accessToken())).isEqualTo("alice");
			assertThat(this.idp.exchanges()).isEqualTo(1);
			assertThat(this.mcp.tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void discoversTheIdentityProvidersTokenEndpointFromItsIssuer() {
		withAuthorization("cross-app-access.idp-issuer-uri=" + this.idp.issuer(), (authorization) -> {
			assertThat(subject(authorization.accessToken())).isEqualTo("alice");
			assertThat(this.idp.exchanges()).isEqualTo(1);
		});
	}

	@Test
	void anIdTokenThatIsNotAJwtIsReported() {
		this.idToken.set("not-a-jwt");
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("invalid_id_token"))
			.withMessageNotContaining("not-a-jwt"));
		assertThat(this.idp.exchanges()).isZero();
	}

	@Test
	void tokensAreCachedPerUserAndNeverShared() {
		withAuthorization((authorization) -> {
			String aliceIdToken = this.idToken.get();
			String alice = authorization.accessToken();
			this.idToken.set(this.idp.idToken("bob"));
			assertThat(subject(authorization.accessToken())).isEqualTo("bob");
			this.idToken.set(aliceIdToken);
			assertThat(authorization.accessToken()).isEqualTo(alice);
			assertThat(this.idp.exchanges()).isEqualTo(2);
		});
	}

	@Test
	void aForgedIdTokenNamingACachedUserIsExchangedNotAnsweredFromTheCache() {
		String forged = Jwts.sign(Jwts.rsa(), JOSEObjectType.JWT, this.idp.issuer(), "idp-client",
				(claims) -> claims.subject("alice"));
		withAuthorization((authorization) -> {
			String alice = authorization.accessToken();
			this.idToken.set(forged);
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("subject_token signature")
					.doesNotContain(alice));
			assertThat(this.idp.exchanges()).as("the forged token went to the identity provider").isEqualTo(2);
			assertThat(this.mcp.tokenRequests()).isEqualTo(1);
		});
	}

	@Test
	void identityProviderErrorsBecomeTypedExceptions() {
		this.idp.override(new Response(400,
				"{\"error\":\"invalid_grant\",\"error_description\":\"The ID token has expired\"}", Map.of()));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_grant");
				assertThat(ex.getErrorDescription()).isEqualTo("The ID token has expired");
				assertThat(ex.getHttpStatus()).isEqualTo(400);
				assertThat(ex.getMessage()).doesNotContain(this.idToken.get()).doesNotContain("idp-secret");
			}));
		assertThat(this.mcp.tokenRequests()).isZero();
	}

	@Test
	void refusesAnAnswerThatIsNotAnIdJag() {
		this.idp.override(Response.json("{\"access_token\":\"x\",\"issued_token_type\":"
				+ "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\"}"));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.withMessageContaining("instead of an ID-JAG"));
		String untyped = Jwts.sign(this.idp.key(), JOSEObjectType.JWT, this.idp.issuer(), this.mcp.issuer(), (c) -> {
		});
		this.idp.override(Response.json("{\"access_token\":\"" + untyped + "\",\"issued_token_type\":"
				+ "\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\"}"));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.withMessageContaining("not typed oauth-id-jag+jwt"));
		assertThat(this.mcp.tokenRequests()).isZero();
	}

	@Test
	void withoutAnIdTokenThereIsNoToken() {
		this.idToken.set(null);
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("no_id_token")));
	}

}
