package dev.mcpoauth.server.authentication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HeaderOnlyServerBearerTokenAuthenticationConverter} reads every {@code Authorization} header of
 * {@link HeaderOnlyBearerTokenResolverTests} exactly as the servlet resolver does (the same token, none, or the same
 * error), refuses two headers, and never reads the query string.
 */
class HeaderOnlyServerBearerTokenAuthenticationConverterTests {

	private final HeaderOnlyServerBearerTokenAuthenticationConverter converter = new HeaderOnlyServerBearerTokenAuthenticationConverter();

	private final HeaderOnlyBearerTokenResolver servlet = new HeaderOnlyBearerTokenResolver();

	@ParameterizedTest
	@MethodSource("dev.mcpoauth.server.authentication.HeaderOnlyBearerTokenResolverTests#headers")
	void readsOneHeaderAsTheServletResolverDoes(String header) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/mcp");
		request.addHeader("Authorization", header);
		assertThat(outcome(MockServerHttpRequest.post("/mcp").header("Authorization", header)))
			.isEqualTo(servletOutcome(request));
	}

	@Test
	void twoAuthorizationHeadersAreAnInvalidRequest() {
		assertThat(outcome(MockServerHttpRequest.post("/mcp").header("Authorization", "Bearer first", "Bearer second")))
			.startsWith("error invalid_request");
	}

	@Test
	void neverReadsTheQueryString() {
		assertThat(outcome(MockServerHttpRequest.get("/mcp?access_token=abc"))).isEqualTo("none");
	}

	private String outcome(MockServerHttpRequest.BaseBuilder<?> request) {
		try {
			Authentication authentication = this.converter.convert(MockServerWebExchange.from(request)).block();
			return (authentication != null)
					? "token " + ((BearerTokenAuthenticationToken) authentication).getToken() : "none";
		}
		catch (OAuth2AuthenticationException ex) {
			return "error " + ex.getError().getErrorCode() + " " + ex.getError().getDescription();
		}
	}

	private String servletOutcome(MockHttpServletRequest request) {
		try {
			String token = this.servlet.resolve(request);
			return (token != null) ? "token " + token : "none";
		}
		catch (OAuth2AuthenticationException ex) {
			return "error " + ex.getError().getErrorCode() + " " + ex.getError().getDescription();
		}
	}

}
