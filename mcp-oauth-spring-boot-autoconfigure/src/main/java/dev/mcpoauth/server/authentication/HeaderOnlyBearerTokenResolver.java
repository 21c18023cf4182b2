package dev.mcpoauth.server.authentication;

import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Reads the bearer token from the {@code Authorization} header only (never the query string or a form body), with
 * Spring Security's {@link DefaultBearerTokenResolver}; a request with more than one {@code Authorization} header is
 * ambiguous and refused with 400 {@code invalid_request} instead of silently using the first.
 */
public final class HeaderOnlyBearerTokenResolver implements BearerTokenResolver {

	private final DefaultBearerTokenResolver delegate = new DefaultBearerTokenResolver();

	public HeaderOnlyBearerTokenResolver() {
		this.delegate.setAllowUriQueryParameter(false);
		this.delegate.setAllowFormEncodedBodyParameter(false);
	}

	@Override
	public String resolve(HttpServletRequest request) {
		List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
		if (headers.size() > 1) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidRequest("Send one Authorization header, not " + headers.size()));
		}
		return this.delegate.resolve(request);
	}

}
