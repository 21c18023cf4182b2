package dev.mcpoauth.server.authentication;

import java.util.Iterator;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;

/**
 * The one rule for reading a bearer token, for both web stacks: from the {@code Authorization} header only (RFC 6750
 * section 2.1). It accepts what Spring Security accepts from a header ({@code Bearer} in any case, one space, a
 * {@code b64token}) and answers the same {@code invalid_token} when the value after {@code Bearer} is malformed. A
 * request with more than one {@code Authorization} header is ambiguous and refused with 400
 * {@code invalid_request}. The header is checked by a character scan rather than a regular expression, which showed
 * up as the largest cost of a request after signature verification under load (see the README's Performance
 * section). Knows nothing of the web stack.
 */
final class BearerHeaderRule {

	private static final String BEARER = "Bearer";

	private BearerHeaderRule() {
	}

	/**
	 * The bearer token of a request.
	 * @param authorizationHeaders every {@code Authorization} header value of the request, in order
	 * @return the token, or {@code null} when the request sends none (no header, or another scheme)
	 * @throws OAuth2AuthenticationException when the header is sent twice or the token is malformed
	 */
	static String token(Iterator<String> authorizationHeaders) {
		return token(BEARER, authorizationHeaders);
	}

	/**
	 * The token of a request in the given scheme: the same reading serves the {@code DPoP} scheme (RFC 9449 section
	 * 7.1, also a {@code token68}).
	 * @param scheme the authentication scheme, e.g. {@code Bearer} or {@code DPoP}
	 * @param authorizationHeaders every {@code Authorization} header value of the request, in order
	 * @return the token, or {@code null} when the request sends none (no header, or another scheme)
	 * @throws OAuth2AuthenticationException when the header is sent twice or the token is malformed
	 */
	static String token(String scheme, Iterator<String> authorizationHeaders) {
		if (authorizationHeaders == null || !authorizationHeaders.hasNext()) {
			return null;
		}
		String authorization = authorizationHeaders.next();
		if (authorizationHeaders.hasNext()) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidRequest("Send one Authorization header, not several"));
		}
		if (!authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
			return null;
		}
		int start = scheme.length() + 1;
		if (authorization.length() <= start || authorization.charAt(start - 1) != ' '
				|| !isB64Token(authorization, start)) {
			throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken(scheme + " token is malformed"));
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
