package dev.mcpoauth.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Workload identity against a real authorization server: Spring Authorization Server with the JWT bearer grant
 * added ({@link WorkloadIdentityAuthorizationServer}), discovered from its issuer; it verifies the platform's JWT
 * (signature, issuer, audience, expiry) and authenticates the client with its secret.
 */
class WorkloadIdentityAuthorizationServerTests {

	private static final int PORT = WorkloadIdentityAuthorizationServer.freePort();

	private static final String ISSUER = "http://localhost:" + PORT;

	private static ConfigurableApplicationContext server;

	@TempDir
	Path temp;

	@BeforeAll
	static void start() {
		server = WorkloadIdentityAuthorizationServer.start(PORT);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private ApplicationContextRunner runner(String platformToken) throws Exception {
		Path file = this.temp.resolve("token");
		Files.writeString(file, platformToken);
		String prefix = "mcp.oauth.client.registrations.w.";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(prefix + "server-url=" + ISSUER + "/mcp", prefix + "issuer-uri=" + ISSUER,
					prefix + "flow=workload-identity", prefix + "client-id=workload",
					prefix + "client-secret=workload-secret", prefix + "scopes=mcp:tools",
					prefix + "workload-identity.token-file=" + file);
	}

	private static String platformToken(String audience) {
		return Jwts.sign(WorkloadIdentityAuthorizationServer.PLATFORM_KEY,
				WorkloadIdentityAuthorizationServer.PLATFORM_ISSUER, audience,
				(claims) -> claims.subject("system:serviceaccount:billing:agent"));
	}

	@Test
	void thePlatformTokenIsExchangedForAnAccessTokenOfTheAuthorizationServer() throws Exception {
		runner(platformToken(ISSUER)).run((context) -> {
			assertThat(context).hasNotFailed();
			String token = context.getBean(McpOAuthClients.class).authorization("w").accessToken();
			JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
			assertThat(claims.getIssuer()).isEqualTo(ISSUER);
			assertThat(claims.getSubject()).isEqualTo("workload");
			assertThat(claims.getStringClaim("workload")).isEqualTo("system:serviceaccount:billing:agent");
			assertThat(claims.getClaim("scope")).isIn("mcp:tools", List.of("mcp:tools"));
		});
	}

	/** The client never presents a platform token outside its audience: refused before any token request. */
	@Test
	void aPlatformTokenForAnotherAudienceIsRefusedBeforeTheTokenRequest() throws Exception {
		runner(platformToken("https://other.example")).run((context) -> {
			McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> {
					assertThat(ex.getError()).isEqualTo("workload_token_audience_mismatch");
					assertThat(ex.getHttpStatus()).isZero();
				});
		});
	}

	/** The authorization server verifies the platform token: an expired one for its audience is refused. */
	@Test
	void anExpiredPlatformTokenIsRefusedAsInvalidGrant() throws Exception {
		String expired = Jwts.sign(WorkloadIdentityAuthorizationServer.PLATFORM_KEY,
				WorkloadIdentityAuthorizationServer.PLATFORM_ISSUER, ISSUER,
				(claims) -> claims.subject("system:serviceaccount:billing:agent")
					.issueTime(java.util.Date.from(java.time.Instant.now().minusSeconds(3600)))
					.expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(1800))));
		runner(expired).run((context) -> {
			McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> {
					assertThat(ex.getError()).isEqualTo("invalid_grant");
					assertThat(ex.getErrorDescription()).isEqualTo("The workload assertion is not valid");
					assertThat(ex.getHttpStatus()).isEqualTo(400);
				});
		});
	}

}
