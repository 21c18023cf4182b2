package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.discovery.BearerChallenge;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Reads the authorization server's answer to an authorization request: where it sent the resource owner back.
 * Checked before anything is taken from it:
 * <ul>
 * <li>the target is the request's {@code redirect_uri} (scheme, host, port and path, exactly): an answer sent
 * anywhere else is not this client's;</li>
 * <li>no response parameter appears twice (RFC 6749 section 3.1), names and values compared percent-decoded, as the
 * servlet container and Spring Security's callback read them ({@code c%6Fde} is a second {@code code});</li>
 * <li>RFC 9207 {@code iss}: when present, it must equal the issuer identifier of the authorization server the request
 * went to, by simple string comparison (no normalization: {@code https://as/} is not {@code https://as}); when absent,
 * the answer is refused if that server advertises {@code authorization_response_iss_parameter_supported}. This is
 * the mix-up defence, and applies to error answers too;</li>
 * <li>an {@code error} answer becomes an {@link McpOAuthClientException} with its {@code error} and description;</li>
 * <li>{@code code} and {@code state} must be there; that {@code state} is the one sent is checked by Spring
 * Security's {@code OAuth2AuthorizationCodeAuthenticationProvider}, before the code is exchanged.</li>
 * </ul>
 * Spring Security has no RFC 9207 check of its own. No message quotes the code or the query.
 */
final class AuthorizationResponses {

	private static final List<String> SINGLE = List.of(OAuth2ParameterNames.CODE, OAuth2ParameterNames.STATE, "iss",
			OAuth2ParameterNames.ERROR, OAuth2ParameterNames.ERROR_DESCRIPTION);

	private AuthorizationResponses() {
	}

	/**
	 * Check and read the answer to an authorization request built by {@link AuthorizationCodeProvider} (which names
	 * the registration, the issuer and whether it advertises {@code iss} in the request's attributes).
	 * @param redirect where the authorization server sent the resource owner back
	 * @param request the authorization request
	 * @return the response, for the code exchange
	 * @throws McpOAuthClientException when the answer is refused or is an error
	 */
	static OAuth2AuthorizationResponse read(URI redirect, OAuth2AuthorizationRequest request) {
		return read(redirect, decodedQuery(redirect), request);
	}

	/**
	 * {@link #read(URI, OAuth2AuthorizationRequest)} with the parameters already decoded, as a servlet request has
	 * them (the view Spring Security's {@code OAuth2AuthorizationCodeGrantFilter} exchanges the code from).
	 * @param target where the authorization server sent the resource owner back (its query is not read)
	 * @param parameters the response parameters, names and values decoded, every value of each
	 * @param request the authorization request
	 * @return the response, for the code exchange
	 * @throws McpOAuthClientException when the answer is refused or is an error
	 */
	static OAuth2AuthorizationResponse read(URI target, MultiValueMap<String, String> parameters,
			OAuth2AuthorizationRequest request) {
		return read(request.getAttribute(AuthorizationCodeProvider.REGISTRATION_NAME), target, parameters, request,
				request.getAttribute(AuthorizationCodeProvider.ISSUER),
				Boolean.TRUE.equals(request.getAttribute(AuthorizationCodeProvider.ISS_ADVERTISED)));
	}

	/** The query's parameters, names and values percent-decoded. */
	private static MultiValueMap<String, String> decodedQuery(URI redirect) {
		MultiValueMap<String, String> decoded = new LinkedMultiValueMap<>();
		UriComponentsBuilder.fromUri(redirect)
			.build()
			.getQueryParams()
			.forEach((name, values) -> values.forEach((value) -> decoded.add(decode(name),
					(value != null) ? decode(value) : null)));
		return decoded;
	}

	private static String decode(String value) {
		return UriUtils.decode(value, StandardCharsets.UTF_8);
	}

	/**
	 * Check and read an authorization response.
	 * @param registration the registration name
	 * @param redirect where the authorization server sent the resource owner back
	 * @param request the authorization request
	 * @param issuer the issuer identifier of the authorization server the request went to
	 * @param issAdvertised whether that server advertises {@code authorization_response_iss_parameter_supported}
	 * @return the response, for the code exchange
	 * @throws McpOAuthClientException when the answer is refused or is an error
	 */
	private static OAuth2AuthorizationResponse read(String registration, URI redirect,
			MultiValueMap<String, String> parameters, OAuth2AuthorizationRequest request, String issuer,
			boolean issAdvertised) {
		URI expected = URI.create(request.getRedirectUri());
		if (!sameEndpoint(redirect, expected)) {
			throw new McpOAuthClientException(registration, "invalid_redirect", "The authorization server sent the "
					+ "answer to " + BearerChallenge.printable(withoutQuery(redirect), 200) + ", not to the redirect_uri "
					+ expected + "; refusing it", 0);
		}
		for (String name : SINGLE) {
			List<String> values = parameters.get(name);
			if (values != null && values.size() > 1) {
				throw new McpOAuthClientException(registration, "invalid_request",
						"The authorization response has more than one '" + name + "' parameter; refusing it", 0);
			}
		}
		String iss = parameter(parameters, "iss");
		if (iss != null && !iss.equals(issuer)) {
			throw new McpOAuthClientException(registration, "invalid_issuer", "The authorization response names issuer '"
					+ BearerChallenge.printable(iss, 200) + "', not '" + issuer
					+ "' where the request was sent (RFC 9207, compared exactly); refusing it", 0);
		}
		if (iss == null && issAdvertised) {
			throw new McpOAuthClientException(registration, "invalid_issuer", "The authorization response has no 'iss' "
					+ "parameter, though " + issuer + " advertises authorization_response_iss_parameter_supported "
					+ "(RFC 9207); refusing it", 0);
		}
		String error = parameter(parameters, OAuth2ParameterNames.ERROR);
		if (error != null) {
			throw new McpOAuthClientException(registration, BearerChallenge.printable(error, 100),
					BearerChallenge.printable(parameter(parameters, OAuth2ParameterNames.ERROR_DESCRIPTION), 300), 0);
		}
		String code = parameter(parameters, OAuth2ParameterNames.CODE);
		String state = parameter(parameters, OAuth2ParameterNames.STATE);
		if (code == null || code.isEmpty() || state == null) {
			throw new McpOAuthClientException(registration, "invalid_request",
					"The authorization response has no " + ((state == null) ? "state" : "code") + "; refusing it", 0);
		}
		return OAuth2AuthorizationResponse.success(code).state(state).redirectUri(request.getRedirectUri()).build();
	}

	private static String parameter(MultiValueMap<String, String> parameters, String name) {
		return parameters.getFirst(name);
	}

	/** Scheme and host without case, the port with defaults applied, the path exactly. */
	private static boolean sameEndpoint(URI actual, URI expected) {
		return actual.isAbsolute() && scheme(actual).equals(scheme(expected))
				&& String.valueOf(actual.getHost()).toLowerCase(Locale.ROOT)
					.equals(String.valueOf(expected.getHost()).toLowerCase(Locale.ROOT))
				&& port(actual) == port(expected) && Objects.equals(path(actual), path(expected))
				&& actual.getRawUserInfo() == null;
	}

	private static String scheme(URI uri) {
		return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
	}

	private static int port(URI uri) {
		if (uri.getPort() >= 0) {
			return uri.getPort();
		}
		return Map.of("http", 80, "https", 443).getOrDefault(scheme(uri), -1);
	}

	private static String path(URI uri) {
		return (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
	}

	private static String withoutQuery(URI uri) {
		return uri.getScheme() + "://" + uri.getRawAuthority() + ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

}
