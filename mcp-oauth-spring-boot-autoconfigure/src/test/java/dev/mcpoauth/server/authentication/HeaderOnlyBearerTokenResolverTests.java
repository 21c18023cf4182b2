package dev.mcpoauth.server.authentication;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link HeaderOnlyBearerTokenResolver} against Spring Security's {@link DefaultBearerTokenResolver} as the
 * reference: for one {@code Authorization} header both must give the same token, the same {@code null}, or the same
 * {@code invalid_token} error.
 */
class HeaderOnlyBearerTokenResolverTests {

	private final HeaderOnlyBearerTokenResolver resolver = new HeaderOnlyBearerTokenResolver();

	private final DefaultBearerTokenResolver reference = new DefaultBearerTokenResolver();

	static Stream<String> headers() {
		return Stream.of("Bearer abc.def.ghi", "bearer abc", "BEARER abc", "bEaReR abc", "Bearer a-b.c_d~e+f/g",
				"Bearer abc==", "Bearer abc=", "Bearer ABCxyz0189", "Bearer =", "Bearer ==abc", "Bearer abc=d",
				"Bearer ", "Bearer", "Bearer  abc", "Bearer abc ", "Bearer a b", "Bearer \"quoted\"", "Bearer\tabc",
				"Bearerabc", "Bearerx abc", "Bearer abc,def", "Bearer abc;", "Bearer ab%63", "Bearer é",
				"Bearer abc\u0000", "Basic dXNlcjpwYXNz", "Token abc", "", " Bearer abc", "Bear abc", "B");
	}

	@ParameterizedTest
	@MethodSource("headers")
	void agreesWithSpringSecurityOnOneHeader(String header) {
		assertThat(outcome(this.resolver, header)).isEqualTo(outcome(this.reference, header));
	}

	@Test
	void acceptsAWellFormedToken() {
		assertThat(outcome(this.resolver, "Bearer eyJ.eyJ.sig")).isEqualTo("token eyJ.eyJ.sig");
	}

	@Test
	void noAuthorizationHeaderIsNoToken() {
		assertThat(this.resolver.resolve(new MockHttpServletRequest())).isNull();
	}

	@Test
	void twoAuthorizationHeadersAreAnInvalidRequest() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("Authorization", "Bearer first");
		request.addHeader("Authorization", "Bearer second");
		assertThatExceptionOfType(OAuth2AuthenticationException.class).isThrownBy(() -> this.resolver.resolve(request))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_request"));
	}

	@Test
	void neverReadsTheQueryStringOrAFormBody() {
		MockHttpServletRequest query = new MockHttpServletRequest("GET", "/mcp");
		query.setQueryString("access_token=abc");
		query.addParameter("access_token", "abc");
		assertThat(this.resolver.resolve(query)).isNull();
		MockHttpServletRequest form = new MockHttpServletRequest("POST", "/mcp");
		form.setContentType("application/x-www-form-urlencoded");
		form.addParameter("access_token", "abc");
		assertThat(this.resolver.resolve(form)).isNull();
	}

	private static String outcome(org.springframework.security.oauth2.server.resource.web.BearerTokenResolver resolver,
			String header) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/mcp");
		request.addHeader("Authorization", header);
		try {
			String token = resolver.resolve(request);
			return (token != null) ? "token " + token : "none";
		}
		catch (OAuth2AuthenticationException ex) {
			return "error " + ex.getError().getErrorCode() + " " + ex.getError().getDescription();
		}
	}

}
