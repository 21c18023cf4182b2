package dev.mcpoauth.client.token;

import java.net.URI;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import dev.mcpoauth.observation.McpOAuthObservations;

import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * Spring's HTTP client observation of the requests of one client registration to an authorization server, under
 * the name {@value McpOAuthObservations#CLIENT_TOKEN_REQUESTS}: Spring's keys ({@code outcome}, {@code status},
 * {@code method}, {@code client.name}, {@code exception}, {@code uri}) with the registration's name and the endpoint.
 * Request bodies (credentials, assertions, codes) and responses (tokens) are never read. The {@code uri} tag is
 * always {@code none} (the {@code endpoint} tag says which endpoint was asked): Spring Security passes the token
 * endpoint's URL as the request's URI template, so Spring's tag would hold its path and query string (a key in the
 * query string, and one meter per URL a hostile metadata document names). The high-cardinality {@code http.url} is
 * the endpoint's origin only.
 */
final class TokenRequestObservationConvention extends DefaultClientRequestObservationConvention {

	private static final String URI_KEY = "uri";

	private static final String HTTP_URL_KEY = "http.url";

	private static final String NONE = "none";

	private final KeyValues extra;

	/**
	 * @param registrationName the registration's name
	 * @param endpoint {@code token} or {@code registration}
	 */
	TokenRequestObservationConvention(String registrationName, String endpoint) {
		super(McpOAuthObservations.CLIENT_TOKEN_REQUESTS);
		this.extra = KeyValues.of(McpOAuthObservations.REGISTRATION, registrationName, McpOAuthObservations.ENDPOINT,
				endpoint);
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ClientRequestObservationContext context) {
		return super.getLowCardinalityKeyValues(context).and(this.extra);
	}

	@Override
	protected KeyValue uri(ClientRequestObservationContext context) {
		return KeyValue.of(URI_KEY, NONE);
	}

	@Override
	protected KeyValue requestUri(ClientRequestObservationContext context) {
		URI uri = (context.getCarrier() != null) ? context.getCarrier().getURI() : null;
		if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
			return KeyValue.of(HTTP_URL_KEY, NONE);
		}
		return KeyValue.of(HTTP_URL_KEY,
				uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : ""));
	}

}
