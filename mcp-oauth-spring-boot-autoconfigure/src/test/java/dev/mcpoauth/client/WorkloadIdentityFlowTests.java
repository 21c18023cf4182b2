package dev.mcpoauth.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.ECKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer.Request;
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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Workload identity (SEP-1933, {@code flow=workload-identity}) through the auto-configured beans, against a stub
 * authorization server on loopback that records every request (against Spring Authorization Server:
 * {@link WorkloadIdentityAuthorizationServerTests}): the platform's JWT from the token file as the RFC 7523
 * assertion, read again for each token request, with {@code resource}; the authorization server's refusal reported
 * once, never retried; the start-up checks of the token file; a {@link WorkloadIdentityTokenSource} bean instead of
 * the file.
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkloadIdentityFlowTests {

	private final StubAuthorizationServer server = new StubAuthorizationServer(List.of("none"));

	private final ECKey platformKey = Jwts.ec();

	@TempDir
	Path temp;

	@AfterEach
	void stop() {
		this.server.close();
	}

	private String platformToken(String subject) {
		return Jwts.sign(this.platformKey, "https://platform.example", this.server.issuer(),
				(claims) -> claims.subject(subject));
	}

	private Path tokenFile(String content) throws Exception {
		Path file = this.temp.resolve("token");
		Files.writeString(file, content);
		return file;
	}

	private ApplicationContextRunner runner(String... registration) {
		List<String> properties = new ArrayList<>(
				List.of("mcp.oauth.client.registrations.w.server-url=" + this.server.mcp(),
						"mcp.oauth.client.registrations.w.client-id=workload-1",
						"mcp.oauth.client.registrations.w.flow=workload-identity"));
		for (String property : registration) {
			properties.add("mcp.oauth.client.registrations.w." + property);
		}
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
	}

	@Test
	void presentsThePlatformTokenWithTheJwtBearerGrantAndReadsTheFileAgainForEachTokenRequest() throws Exception {
		String first = platformToken("first");
		Path file = tokenFile(first);
		this.server.tokenResponse.set((request) -> StubAuthorizationServer.token(2));
		runner("workload-identity.token-file=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
			authorization.accessToken();
			String rotated = platformToken("rotated");
			Files.writeString(file, rotated);
			Thread.sleep(1200);
			authorization.accessToken();
			List<Request> requests = this.server.tokenRequests();
			assertThat(requests).hasSize(2);
			assertThat(requests.get(0).form()).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
				.containsEntry("assertion", first)
				.containsEntry("resource", this.server.mcp())
				.containsEntry("client_id", "workload-1")
				.containsEntry("scope", "a b")
				.doesNotContainKeys("client_secret", "client_assertion");
			assertThat(requests.get(0).header("Authorization")).isNull();
			assertThat(requests.get(1).form()).containsEntry("assertion", rotated);
		});
	}

	@Test
	void theAuthorizationServersRefusalReachesTheCallerOnceWithoutRetryOrOtherGrant(CapturedOutput output)
			throws Exception {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel("org.springframework.web", LogLevel.DEBUG);
		logging.setLogLevel("dev.mcpoauth", LogLevel.TRACE);
		String token = platformToken("refused");
		this.server.tokenResponse.set((request) -> new Response(400,
				"{\"error\":\"invalid_grant\",\"error_description\":\"JWT assertion audience is invalid\"}", Map.of()));
		try {
			runner("workload-identity.token-file=" + tokenFile(token)).run((context) -> {
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
				assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
					.satisfies((ex) -> {
						assertThat(ex.getError()).isEqualTo("invalid_grant");
						assertThat(ex.getErrorDescription()).isEqualTo("JWT assertion audience is invalid");
						assertThat(ex.getHttpStatus()).isEqualTo(400);
						assertThat(ex.getMessage()).doesNotContain(token);
					});
				assertThat(this.server.tokenRequests()).hasSize(1);
			});
		}
		finally {
			logging.setLogLevel("org.springframework.web", null);
			logging.setLogLevel("dev.mcpoauth", null);
		}
		assertThat(output).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
	}

	@Test
	void aTokenFileThatNoLongerHoldsAJwtFailsWithoutATokenRequestAndWithoutQuotingIt() throws Exception {
		Path file = tokenFile(platformToken("ok"));
		runner("workload-identity.token-file=" + file).run((context) -> {
			Files.writeString(file, "not-a-jwt-secret-material");
			McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("w");
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> {
					assertThat(ex.getError()).isEqualTo("invalid_workload_token");
					assertThat(ex.getMessage()).doesNotContain("secret-material");
				});
			Files.delete(file);
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(authorization::accessToken)
				.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("workload_token_unavailable"));
			assertThat(this.server.tokenRequests()).isEmpty();
		});
	}

	@Test
	void aMissingTokenFilePropertyFailsAtStartUpNamingIt() {
		runner().run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("mcp.oauth.client.registrations.w.workload-identity.token-file")
			.hasMessageContaining("WorkloadIdentityTokenSource"));
	}

	@Test
	void anUnreadableTokenFileFailsAtStartUpNamingIt() {
		runner("workload-identity.token-file=" + this.temp.resolve("absent")).run((context) -> assertThat(context)
			.getFailure()
			.rootCause()
			.hasMessageContaining("mcp.oauth.client.registrations.w.workload-identity.token-file")
			.hasMessageContaining("cannot be read"));
	}

	@Test
	void aTokenSourceBeanReplacesTheFile() {
		String token = platformToken("from-bean");
		runner().withBean(WorkloadIdentityTokenSource.class, () -> (registration) -> token).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeans(WorkloadIdentityTokenSource.class).hasSize(1);
			context.getBean(McpOAuthClients.class).authorization("w").accessToken();
			assertThat(this.server.tokenRequests().get(0).form()).containsEntry("assertion", token);
		});
	}

}
