package dev.mcpoauth.client.authorizationcode;

import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	/**
	 * The waiting request (and the token store, and the token slots) are keyed by {@code Authentication.getName()}
	 * only. In an application with two ways to sign in (form login for local accounts, and e.g. OAuth2 login, a JWT
	 * bearer or pre-authentication from a proxy), a user of the second kind named like a local user is handed that
	 * user's authorization request, and then their stored MCP tokens. The resolver should not hand a request made
	 * under one kind of authentication to another.
	 */
	@Test
	void sameNameUnderAnotherAuthenticationGetsNoWaitingRequest() {
		AuthorizationCodeState state = new AuthorizationCodeState(InMemoryOAuth2AuthorizedClientService::new,
				Clock.systemUTC());
		WebAuthorizationCodeUserAgent agent = new WebAuthorizationCodeUserAgent(state);
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("https://as.example/authorize")
			.clientId("c")
			.redirectUri("https://app.example/mcp/callback")
			.state("st")
			.attributes((attributes) -> {
				attributes.put(OAuth2ParameterNames.REGISTRATION_ID, "s@0123");
				attributes.put(AuthorizationCodeProvider.RESOURCE_OWNER, agent.resourceOwner());
			})
			.build();
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> agent.authorize("s", request));
		SecurityContextHolder.getContext()
			.setAuthentication(new TestingAuthenticationToken("alice", null, "ROLE_EXTERNAL"));
		assertThat(new McpAuthorizationRequestResolver(state).resolve(new MockHttpServletRequest(), "s@0123"))
			.as("an 'alice' of another authentication type").isNull();
	}

}
