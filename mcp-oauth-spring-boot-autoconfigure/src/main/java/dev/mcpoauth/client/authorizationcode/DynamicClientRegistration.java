package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * RFC 7591 dynamic client registration: the client's metadata posted as JSON to the authorization server's
 * {@code registration_endpoint}, and the answer read with Nimbus' JSON parser. An answer is used only when it is a
 * JSON object with a {@code client_id}, and a {@code token_endpoint_auth_method} (the one asked for when it names
 * none) that the client can use: {@code none}, or {@code client_secret_basic} / {@code client_secret_post} with a
 * {@code client_secret}. An error answer becomes an {@link McpOAuthClientException} with its OAuth error, description
 * and status; the request and the answer (which holds the client secret) are never logged.
 */
final class DynamicClientRegistration {

	/** The client authentication methods a dynamically registered client can use. */
	static final Set<String> METHODS = Set.of("none", "client_secret_basic", "client_secret_post");

	private final String registration;

	private final RestClient rest;

	/**
	 * @param registration the registration name
	 * @param rest the client for the registration endpoint: timeouts, no redirects, OAuth errors translated
	 */
	DynamicClientRegistration(String registration, RestClient rest) {
		this.registration = registration;
		this.rest = rest;
	}

	/**
	 * Register.
	 * @param endpoint the registration endpoint
	 * @param metadata the client metadata
	 * @return the registered client
	 */
	Registered register(URI endpoint, Map<String, Object> metadata) {
		ResponseEntity<String> response;
		try {
			response = this.rest.post()
				.uri(endpoint)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON)
				.body(JSONObjectUtils.toJSONString(metadata))
				.retrieve()
				.toEntity(String.class);
		}
		catch (ResourceAccessException ex) {
			throw new McpOAuthClientException(this.registration, "registration_endpoint_unreachable",
					"The registration endpoint " + endpoint + " could not be reached: " + ex.getMessage(), 0);
		}
		int status = response.getStatusCode().value();
		Map<String, Object> answer;
		try {
			answer = JSONObjectUtils.parse((response.getBody() != null) ? response.getBody() : "");
		}
		catch (ParseException ex) {
			throw invalid("is not a JSON object", status);
		}
		if (!(answer.get("client_id") instanceof String clientId) || clientId.isBlank()) {
			throw invalid("has no client_id", status);
		}
		String secret = (answer.get("client_secret") instanceof String value && !value.isEmpty()) ? value : null;
		Object answered = answer.get("token_endpoint_auth_method");
		String method = (answered instanceof String value) ? value : (String) metadata.get("token_endpoint_auth_method");
		if (!METHODS.contains(method)) {
			throw invalid("registers token_endpoint_auth_method '" + method + "', which this client cannot use", status);
		}
		if (!"none".equals(method) && secret == null) {
			throw invalid("registers " + method + " without a client_secret", status);
		}
		Instant secretExpiresAt = null;
		if ("none".equals(method)) {
			secret = null;
		}
		else if (answer.get("client_secret_expires_at") instanceof Number expires && expires.longValue() > 0) {
			secretExpiresAt = Instant.ofEpochSecond(expires.longValue());
		}
		return new Registered(clientId, secret, new ClientAuthenticationMethod(method), secretExpiresAt);
	}

	private McpOAuthClientException invalid(String problem, int status) {
		return new McpOAuthClientException(this.registration, "invalid_registration_response",
				"The authorization server's registration response " + problem + "; not using it", status);
	}

	/**
	 * The token endpoint authentication to register with, among those the authorization server advertises (RFC
	 * 8414's default, {@code client_secret_basic}, when it advertises none): a native client prefers to be public
	 * ({@code none}, with PKCE), a web application to hold a secret.
	 * @param advertised the advertised methods
	 * @param web whether the client is a web application
	 * @return the method, or {@code null} when none fits
	 */
	static String method(List<String> advertised, boolean web) {
		List<String> offered = advertised.isEmpty() ? List.of("client_secret_basic") : advertised;
		List<String> preferred = web ? List.of("client_secret_basic", "client_secret_post", "none")
				: List.of("none", "client_secret_basic", "client_secret_post");
		return preferred.stream().filter(offered::contains).findFirst().orElse(null);
	}

	/**
	 * A registered client. Its {@code toString()} never shows the secret.
	 *
	 * @param clientId the client id
	 * @param clientSecret the secret, or {@code null} for a public client
	 * @param method the token endpoint authentication
	 * @param secretExpiresAt when the secret expires, or {@code null} for never
	 */
	record Registered(String clientId, String clientSecret, ClientAuthenticationMethod method, Instant secretExpiresAt) {

		@Override
		public String toString() {
			return "Registered[" + this.clientId + ", " + this.method.getValue() + "]";
		}

	}

}
