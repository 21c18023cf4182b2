package dev.mcpoauth.sample;

import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web front end of the authorization code flow over plain HTTP, with a session altered where a browser could not
 * be made to: the sample's {@code GET /tools} for the demo user, its own MCP endpoint, the embedded authorization
 * server (which advertises and sends RFC 9207 {@code iss}). Each refused answer at the callback gets a 400 page
 * naming the error, never a 500, and stores no token: {@code /tools} still sends the browser to the authorization
 * server afterwards, and the genuine answer, replayed, is refused too (its request was dropped).
 */
@SpringBootTest(classes = { SampleApplication.class, WebAuthorizationCodeFlowTests.Users.class },
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class WebAuthorizationCodeFlowTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	static final String CALLBACK = BASE + "/login/oauth2/code/sample-mcp";

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	BrowserSession browser;

	/** Each test signs a user of its own in: tokens are kept per user, for the life of the application. */
	@BeforeEach
	void signIn(TestInfo test) {
		this.browser = new BrowserSession(BASE);
		this.browser.signIn(test.getTestMethod().orElseThrow().getName());
	}

	@Test
	void anonymousUserIsSentToTheLoginPage() {
		HttpResponse<String> response = new BrowserSession(BASE).get("/tools");
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(BrowserSession.location(response)).isEqualTo(BASE + "/login");
	}

	@Test
	void userIsRedirectedToAuthorizeThenSeesTheTools() {
		String authorization = redirectToAuthorizationServer();
		assertThat(authorization).startsWith(BASE + "/oauth2/authorize?")
			.contains("response_type=code", "client_id=sample-web", "code_challenge_method=S256", "code_challenge=",
					"&resource=" + BASE + "/mcp&", "&redirect_uri=" + CALLBACK + "&", "scope=mcp:tools", "&state=");
		String answer = this.browser.approve(authorization);
		assertThat(answer).startsWith(CALLBACK + "?code=").contains("&iss=" + BASE.replace(":", "%3A").replace("/", "%2F"));
		HttpResponse<String> callback = this.browser.get(answer);
		assertThat(callback.statusCode()).isEqualTo(302);
		assertThat(BrowserSession.location(callback)).startsWith(BASE + "/tools");
		HttpResponse<String> tools = this.browser.get(BrowserSession.location(callback));
		assertThat(tools.statusCode()).isEqualTo(200);
		assertThat(tools.body()).contains("<b class=\"tool-name\">whoami</b>", "<b class=\"tool-name\">admin-report</b>",
				"<span id=\"user\">userIsRedirectedToAuthorizeThenSeesTheTools</span>");
		assertThat(this.browser.get("/tools").statusCode()).as("the token is kept for the user").isEqualTo(200);
		BrowserSession sameUser = new BrowserSession(BASE);
		sameUser.signIn("userIsRedirectedToAuthorizeThenSeesTheTools");
		assertThat(sameUser.get("/tools").statusCode()).as("a new session of the same user finds the stored token")
			.isEqualTo(200);
		BrowserSession otherUser = new BrowserSession(BASE);
		otherUser.signIn("anotherUser");
		HttpResponse<String> other = otherUser.get("/tools");
		assertThat(other.statusCode()).as("another user gets no token of the first").isEqualTo(302);
		assertThat(BrowserSession.location(other)).startsWith(BASE + "/oauth2/authorize?");
	}

	@Test
	void aToolNeedingAWiderScopeSendsTheUserToAuthorizeIt() {
		String first = redirectToAuthorizationServer();
		assertThat(first).contains("scope=mcp:tools&");
		assertThat(this.browser.get(this.browser.get(this.browser.approve(first)).headers().firstValue("Location")
			.orElseThrow()).statusCode()).isEqualTo(200);
		HttpResponse<String> stepUp = this.browser.get("/tools/admin-report");
		assertThat(stepUp.statusCode()).as("403 insufficient_scope: a redirect, not a 500").isEqualTo(302);
		assertThat(BrowserSession.location(stepUp)).startsWith(BASE + "/oauth2/authorize?")
			.contains("scope=mcp:tools%20mcp:admin&");
		HttpResponse<String> callback = this.browser.get(this.browser.approve(BrowserSession.location(stepUp)));
		assertThat(BrowserSession.location(callback)).startsWith(BASE + "/tools/admin-report");
		HttpResponse<String> report = this.browser.get(BrowserSession.location(callback));
		assertThat(report.statusCode()).isEqualTo(200);
		assertThat(report.body()).contains("admin report for subject=aToolNeedingAWiderScopeSendsTheUserToAuthorizeIt",
				"scopes=mcp:admin mcp:tools");
	}

	@Test
	void alteredStateIsRefusedAndNoTokenIsStored() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		String altered = answer.replaceFirst("state=([^&]*)", "state=x$1");
		assertRefused(this.browser.get(altered), "invalid_state");
		assertNoTokenStored();
	}

	@Test
	void wrongIssuerIsRefusedAndTheCodeIsNeverExchanged() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		String wrongIssuer = answer.replaceFirst("iss=[^&]*", "iss=http%3A%2F%2Fattacker.example%3Cb%3E");
		HttpResponse<String> refused = this.browser.get(wrongIssuer);
		assertRefused(refused, "invalid_issuer");
		assertThat(refused.body()).contains("http://attacker.example&lt;b&gt;").doesNotContain("attacker.example<b>");
		assertRefused(this.browser.get(answer), "invalid_state");
		assertNoTokenStored();
	}

	@Test
	void missingIssuerIsRefusedWhereTheAuthorizationServerAdvertisesIt() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		assertRefused(this.browser.get(answer.replaceFirst("&iss=[^&]*", "")), "invalid_issuer");
		assertNoTokenStored();
	}

	@Test
	void errorAnswerIsShownEscaped() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		String state = answer.replaceFirst(".*[?&]state=([^&]*).*", "$1");
		HttpResponse<String> refused = this.browser.get(CALLBACK + "?error=access_denied"
				+ "&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=" + state + "&iss="
				+ BASE.replace(":", "%3A").replace("/", "%2F"));
		assertRefused(refused, "access_denied");
		assertThat(refused.body()).contains("&lt;script&gt;").doesNotContain("<script>");
		assertNoTokenStored();
	}

	@Test
	void answerForAnotherSessionIsRefused() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		BrowserSession other = new BrowserSession(BASE);
		other.signIn("anotherUser");
		assertRefused(other.get(answer), "invalid_state");
		assertNoTokenStored();
	}

	/** The users of these tests, one per test, all with the password {@code demo-password}. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Users {

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(Stream
				.concat(Arrays.stream(WebAuthorizationCodeFlowTests.class.getDeclaredMethods()).map(Method::getName),
						Stream.of("anotherUser"))
				.distinct()
				.map((name) -> User.withUsername(name).password("{noop}demo-password").roles("USER").build())
				.toList()
				.toArray(UserDetails[]::new));
		}

	}

	private String redirectToAuthorizationServer() {
		HttpResponse<String> response = this.browser.get("/tools");
		assertThat(response.statusCode()).as("GET /tools before any authorization").isEqualTo(302);
		return BrowserSession.location(response);
	}

	private static void assertRefused(HttpResponse<String> response, String error) {
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("<p id=\"error\">" + error + "</p>");
	}

	private void assertNoTokenStored() {
		HttpResponse<String> tools = this.browser.get("/tools");
		assertThat(tools.statusCode()).isEqualTo(302);
		assertThat(BrowserSession.location(tools)).startsWith(BASE + "/oauth2/authorize?");
	}

}
