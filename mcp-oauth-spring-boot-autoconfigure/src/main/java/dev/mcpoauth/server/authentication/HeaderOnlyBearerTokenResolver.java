package dev.mcpoauth.server.authentication;

import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Reads the bearer token from the {@code Authorization} header only (RFC 6750 section 2.1), never from the query
 * string or a form body, by {@link BearerHeaderRule}: it accepts what Spring Security's
 * {@link DefaultBearerTokenResolver} accepts from a header, refuses a request with more than one
 * {@code Authorization} header with 400 {@code invalid_request} instead of silently using the first, and reads the
 * header once. The same reading serves the {@code DPoP} scheme. The servlet twin of
 * {@link HeaderOnlyServerBearerTokenAuthenticationConverter}.
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
		return BearerHeaderRule.token(this.scheme, (headers != null) ? headers.asIterator() : null);
	}

}
