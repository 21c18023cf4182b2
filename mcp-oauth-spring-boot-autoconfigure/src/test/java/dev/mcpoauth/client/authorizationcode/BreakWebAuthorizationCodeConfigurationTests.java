package dev.mcpoauth.client.authorizationcode;

import org.junit.jupiter.api.Test;

import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configurations the web front end of the authorization code flow should refuse at start-up (security review of
 * the web-frontend merge); each test fails while the configuration is accepted.
 */
class BreakWebAuthorizationCodeConfigurationTests {

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class));

	/**
	 * A servlet web application's registration that keeps the default {@code redirect-uri}
	 * ({@code http://127.0.0.1/mcp-oauth/callback}, the headless client's loopback): the web user agent sends the
	 * signed-in user's browser to the authorization server, which sends the code to port 80 of the user's own
	 * machine (whatever listens there gets it; the application never does), and the application's callback filter
	 * is installed on {@code /mcp-oauth/callback}. The web front end should refuse a loopback redirect URI.
	 */
	@Test
	void webFrontEndRefusesTheDefaultLoopbackRedirectUri() {
		this.web
			.withPropertyValues("mcp.oauth.client.registrations.s.server-url=https://mcp.example/mcp",
					"mcp.oauth.client.registrations.s.flow=authorization-code",
					"mcp.oauth.client.registrations.s.client-id=app")
			.run((context) -> {
				assertThat(context).as("the web user agent with the loopback redirect-uri").hasFailed();
			});
	}

	/**
	 * Two authorization-code registrations (two MCP servers, each with its own authorization server) sharing one
	 * {@code redirect-uri}: the session's single saved authorization request then decides which authorization
	 * server an answer is taken to be from, and an answer without RFC 9207 {@code iss} from an honest authorization
	 * server that does not support it is exchanged at the other (a malicious MCP server's) token endpoint, with the
	 * PKCE verifier: the classic mix-up (RFC 9700 section 4.4.2 asks for a distinct redirect URI per authorization
	 * server where iss is not available). Distinct callback paths make the callback filter refuse such an answer
	 * (invalid_redirect); a shared one cannot.
	 */
	@Test
	void webFrontEndRefusesOneRedirectUriForTwoRegistrations() {
		this.web
			.withPropertyValues("mcp.oauth.client.registrations.good.server-url=https://good.example/mcp",
					"mcp.oauth.client.registrations.good.flow=authorization-code",
					"mcp.oauth.client.registrations.good.client-id=app",
					"mcp.oauth.client.registrations.good.authorization-code.redirect-uri=https://app.example/callback",
					"mcp.oauth.client.registrations.evil.server-url=https://evil.example/mcp",
					"mcp.oauth.client.registrations.evil.flow=authorization-code",
					"mcp.oauth.client.registrations.evil.client-id=app",
					"mcp.oauth.client.registrations.evil.authorization-code.redirect-uri=https://app.example/callback")
			.run((context) -> {
				assertThat(context).as("two registrations on one redirect-uri").hasFailed();
			});
	}

}
