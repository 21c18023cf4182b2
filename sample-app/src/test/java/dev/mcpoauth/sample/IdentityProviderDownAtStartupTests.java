package dev.mcpoauth.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.mcpoauth.testidp.TestIdentityProvider;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Start-up never depends on the identity provider: the MCP server starts while it is down, answers 401 (never 500)
 * while keys cannot be fetched, works as soon as the identity provider is up, and keeps validating with cached
 * keys when it goes down again.
 */
class IdentityProviderDownAtStartupTests {

	@Test
	void startsWithoutTheIdentityProviderAndRecoversWhenItComesUp() {
		int idpPort = TestPorts.free();
		int mcpPort = TestPorts.free();
		String issuer = "http://localhost:" + idpPort;
		String mcp = "http://localhost:" + mcpPort + "/mcp";
		try (ConfigurableApplicationContext mcpServer = ExternalIdentityProviderTests.startSample(mcpPort, issuer)) {
			String early = new TestTokens(issuer, mcp).sign(Jwts.rsa(), (claims) -> {
			});
			HttpResponse<String> down = Http.initialize(mcp, "Bearer " + early);
			assertThat(down.statusCode()).isEqualTo(401);
			assertThat(down.headers().firstValue("WWW-Authenticate").orElseThrow())
				.startsWith("Bearer error=\"invalid_token\", error_description=\"The access token could not be verified\"");
			assertThat(down.body()).isEmpty();

			String token;
			try (ConfigurableApplicationContext idp = TestIdentityProvider.start(idpPort, mcp)) {
				token = Http.clientCredentialsToken(issuer + "/oauth2/token", "rs-client", "rs-client-secret",
						"mcp:tools");
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(Http.initialize(mcp, "Bearer " + token).statusCode()).isEqualTo(200));
			}
			assertThat(Http.initialize(mcp, "Bearer " + token).statusCode()).as("cached keys while the IdP is down")
				.isEqualTo(200);
		}
	}

}
