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
 * Attacks on the web front end of the authorization code flow (security review of the web-frontend merge). Each
 * test states what the documentation promises and fails while the promise does not hold.
 */
@SpringBootTest(classes = { SampleApplication.class, BreakWebAuthorizationCodeTests.Users.class },
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class BreakWebAuthorizationCodeTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	static final String CALLBACK = BASE + "/login/oauth2/code/sample-mcp";

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	BrowserSession browser;

	@BeforeEach
	void signIn(TestInfo test) {
		this.browser = new BrowserSession(BASE);
		this.browser.signIn(test.getTestMethod().orElseThrow().getName());
	}

	/**
	 * AuthorizationResponses promises "no response parameter appears twice (RFC 6749 section 3.1)" and that the code
	 * it checked is the one exchanged. It parses the raw query (names not decoded), while Spring Security's callback
	 * filter reads the servlet parameters (names decoded, first value wins). A percent-encoded name ({@code c%6Fde})
	 * is a second {@code code} for Spring but not for the check: the duplicate is not refused, and the code that is
	 * exchanged (the first, injected one) is not the one the check saw.
	 */
	@Test
	void percentEncodedDuplicateCodeIsRefusedAsADuplicate() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		String query = answer.substring(answer.indexOf('?') + 1);
		HttpResponse<String> injected = this.browser.get(CALLBACK + "?c%6Fde=injected-code&" + query);
		assertThat(injected.statusCode()).as("refused at the MCP filter as a duplicate 'code', location: "
				+ BrowserSession.location(injected)).isEqualTo(400);
		assertThat(injected.body()).contains("<p id=\"error\">invalid_request</p>");
	}

	/** Same with {@code state}: the servlet's first {@code state} loads the saved request, the check reads another. */
	@Test
	void percentEncodedDuplicateStateIsRefusedAsADuplicate() {
		String answer = this.browser.approve(redirectToAuthorizationServer());
		String query = answer.substring(answer.indexOf('?') + 1);
		String state = answer.replaceFirst(".*[?&]state=([^&]*).*", "$1");
		HttpResponse<String> injected = this.browser.get(CALLBACK + "?st%61te=" + state + "&"
				+ query.replaceFirst("state=[^&]*", "state=other"));
		assertThat(injected.statusCode()).as("refused as a duplicate 'state', location: "
				+ BrowserSession.location(injected)).isEqualTo(400);
		assertThat(injected.body()).contains("<p id=\"error\">invalid_request</p>");
	}

	/**
	 * Content injection at the application's origin: a request to the callback that matches no authorization request
	 * of the session (no state at all) gets the 400 page with the attacker's {@code error} and
	 * {@code error_description} on it (escaped, but shown as the application's own words), so a link to the
	 * application can show the victim any text the attacker likes (phishing: "call this number", "sign in at ...").
	 * An answer that matches no request is not the authorization server's: it should get a fixed message.
	 */
	@Test
	void unsolicitedErrorAnswerDoesNotShowTheAttackersText() {
		HttpResponse<String> page = this.browser.get(CALLBACK + "?error=account_locked&error_description="
				+ "Your+account+is+locked.+Call+support+at+%2B1-555-0100+or+sign+in+again+at+https%3A%2F%2Fattacker.example");
		assertThat(page.statusCode()).isEqualTo(400);
		assertThat(page.body()).doesNotContain("attacker.example").doesNotContain("account_locked");
	}

	/** The users of these tests, one per test, all with the password {@code demo-password}. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Users {

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(Stream
				.concat(Arrays.stream(BreakWebAuthorizationCodeTests.class.getDeclaredMethods()).map(Method::getName),
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

}
