package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.mcpoauth.client.McpOAuthClientProperties;
import dev.mcpoauth.client.McpOAuthClientProperties.AuthorizationCode;
import dev.mcpoauth.client.McpOAuthClientProperties.Flow;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, SEP-991) of the authorization-code
 * registrations that name one, made from their properties, by the path of their URL: {@code client_id} (the URL
 * itself), {@code client_name}, {@code redirect_uris}, {@code grant_types} ({@code authorization_code},
 * {@code refresh_token}), {@code response_types}, {@code token_endpoint_auth_method} {@code none} (the document makes
 * a public client; it holds no secret) and {@code application_type}. A web application serves them itself
 * ({@code ClientIdMetadataDocumentFilter}); an authorization server fetches the document from the URL, so the URL must
 * reach the application.
 */
public final class ClientIdMetadataDocuments {

	private final Map<String, String> byPath;

	private ClientIdMetadataDocuments(Map<String, String> byPath) {
		this.byPath = Map.copyOf(byPath);
	}

	/**
	 * The documents of the configured registrations.
	 * @param properties the client properties
	 * @return the documents
	 * @throws InvalidConfigurationPropertyValueException when two registrations name one URL with different contents
	 */
	public static ClientIdMetadataDocuments of(McpOAuthClientProperties properties) {
		Map<String, String> byPath = new LinkedHashMap<>();
		properties.getRegistrations().forEach((name, registration) -> {
			AuthorizationCode settings = registration.getAuthorizationCode();
			URI url = settings.getClientIdMetadataDocument();
			if (registration.getFlow() != Flow.AUTHORIZATION_CODE || url == null) {
				return;
			}
			String document = document(name, url, settings);
			String earlier = byPath.putIfAbsent(url.getRawPath(), document);
			if (earlier != null && !earlier.equals(document)) {
				throw new InvalidConfigurationPropertyValueException("mcp.oauth.client.registrations." + name
						+ ".authorization-code.client-id-metadata-document", url, "Another registration serves a "
								+ "different document at this URL's path: give each client its own URL");
			}
		});
		return new ClientIdMetadataDocuments(byPath);
	}

	private static String document(String name, URI url, AuthorizationCode settings) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("client_id", url.toString());
		document.put("client_name", (settings.getClientName() != null) ? settings.getClientName() : name);
		document.put("redirect_uris", List.of(settings.getRedirectUri().toString()));
		document.put("grant_types", new ArrayList<>(List.of("authorization_code", "refresh_token")));
		document.put("response_types", List.of("code"));
		document.put("token_endpoint_auth_method", "none");
		document.put("application_type", settings.getApplicationType().value());
		return JSONObjectUtils.toJSONString(document);
	}

	/**
	 * @param path a request's path
	 * @return the JSON document served at that path, or {@code null}
	 */
	public String documentAt(String path) {
		return this.byPath.get(path);
	}

	/** @return whether there is any document to serve */
	public boolean isEmpty() {
		return this.byPath.isEmpty();
	}

	@Override
	public String toString() {
		return "ClientIdMetadataDocuments" + this.byPath.keySet();
	}

}
