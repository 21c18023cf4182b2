package dev.mcpoauth.server.authentication;

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Reads the bearer token from the {@code Authorization} header only (RFC 6750 section 2.1), never from the query
 * string or a form body. It accepts what Spring Security's {@link DefaultBearerTokenResolver} accepts from a header
 * ({@code Bearer} in any case, one space, a {@code b64token}) and answers the same {@code invalid_token} when the
 * value after {@code Bearer} is malformed. Two differences: a request with more than one {@code Authorization}
 * header is ambiguous and refused with 400 {@code invalid_request} instead of silently using the first, and the
 * header is read once and checked by a character scan rather than a regular expression, which showed up as the
 * largest cost of a request after signature verification under load (see the README's Performance section).
 * The same reading serves the {@code DPoP} scheme (RFC 9449 section 7.1, also a {@code token68}).
 */
public final class HeaderOnlyBearerTokenResolver implements BearerTokenResolver {

	private final String scheme;

	/** Reads the {@code Bearer} scheme. */
	public HeaderOnlyBearerTokenResolver() {
		this("Bearer");
	}

	/**
	 * @param scheme the authentication scheme to read, e.g. {@code DPoP}
	 */
	public HeaderOnlyBearerTokenResolver(String scheme) {
		this.scheme = scheme;
	}

	@Override
	public String resolve(HttpServletRequest request) {
		Enumeration<String> headers = request.getHeaders(HttpHeaders.AUTHORIZATION);
		if (headers == null || !headers.hasMoreElements()) {
			return null;
		}
		String authorization = headers.nextElement();
		if (headers.hasMoreElements()) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidRequest("Send one Authorization header, not several"));
		}
		if (!authorization.regionMatches(true, 0, this.scheme, 0, this.scheme.length())) {
			return null;
		}
		int start = this.scheme.length() + 1;
		if (authorization.length() <= start || authorization.charAt(start - 1) != ' '
				|| !isB64Token(authorization, start)) {
			throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken(this.scheme + " token is malformed"));
		}
		return authorization.substring(start);
	}

	/** RFC 6750 {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}, to the end. */
	private static boolean isB64Token(String value, int start) {
		int end = value.length();
		int i = start;
		while (i < end && isTokenCharacter(value.charAt(i))) {
			i++;
		}
		if (i == start) {
			return false;
		}
		while (i < end && value.charAt(i) == '=') {
			i++;
		}
		return i == end;
	}

	private static boolean isTokenCharacter(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '+' || c == '/';
	}

}
