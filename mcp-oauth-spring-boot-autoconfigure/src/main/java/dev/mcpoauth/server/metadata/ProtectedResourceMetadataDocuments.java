package dev.mcpoauth.server.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.RequestOrigin;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.web.cors.CorsConfiguration;

/**
 * The RFC 9728 Protected Resource Metadata of the MCP endpoint, and how a request for it is answered, decided once
 * for both web stacks (their metadata filters only read the request and write the answer). The document is built
 * with Spring Security's {@link OAuth2ProtectedResourceMetadata}: {@code resource} is the endpoint's identifier (not
 * derived from the metadata URL, which for the root URL gives a resource without the endpoint path), the
 * customizers fill in the rest, and {@code tls_client_certificate_bound_access_tokens} is not claimed. A document
 * derived from the request's host is sent with {@code Cache-Control: no-store}, so that a forged {@code Host} cannot
 * poison a shared cache; one with a configured resource may be cached for an hour. Only {@code GET} and
 * {@code HEAD} are answered (405 otherwise), other paths under the well-known prefix get 404, and the document may be
 * read from any origin (CORS, read methods only). Knows nothing of the web stack.
 */
public final class ProtectedResourceMetadataDocuments {

	/** A document with a configured resource is the same for every request and may be shared by caches. */
	private static final String CACHE_CONTROL_SHARED = "public, max-age=3600";

	/** A document derived from the request's host must not be cached, or a forged Host could poison a cache. */
	private static final String CACHE_CONTROL_PER_REQUEST = "no-store";

	private static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";

	private final McpProtectedResource resource;

	private final ProtectedResourceMetadataCustomizer customizer;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * @param resource the protected resource
	 * @param customizer fills in the fields besides {@code resource}
	 */
	public ProtectedResourceMetadataDocuments(McpProtectedResource resource,
			ProtectedResourceMetadataCustomizer customizer) {
		this.resource = resource;
		this.customizer = customizer;
	}

	/**
	 * @return the paths that serve the document, relative to the context path: {@link #paths(McpProtectedResource)}
	 */
	public List<String> paths() {
		return paths(this.resource);
	}

	/**
	 * The paths that serve the document, relative to the context path.
	 * @param resource the protected resource
	 * @return the path-suffixed and the root metadata path
	 */
	public static List<String> paths(McpProtectedResource resource) {
		return List.of(resource.metadataPath(), McpProtectedResource.WELL_KNOWN_PATH);
	}

	/**
	 * The CORS rules of the metadata: any origin may read it.
	 * @return the configuration for {@code /.well-known/oauth-protected-resource/**}
	 */
	public static CorsConfiguration cors() {
		CorsConfiguration metadata = new CorsConfiguration();
		metadata.addAllowedOrigin(CorsConfiguration.ALL);
		metadata.addAllowedMethod(HttpMethod.GET);
		metadata.addAllowedMethod(HttpMethod.HEAD);
		metadata.setMaxAge(3600L);
		return metadata;
	}

	/**
	 * The answer to a request under the well-known prefix.
	 * @param document whether the request's path is one of {@link #paths}
	 * @param method the request's method
	 * @param origin where the request was sent
	 * @return the answer
	 */
	Answer answer(boolean document, String method, RequestOrigin origin) {
		if (!document) {
			return new Answer(HttpStatus.NOT_FOUND, Map.of(), null);
		}
		if (!HttpMethod.GET.matches(method) && !HttpMethod.HEAD.matches(method)) {
			return new Answer(HttpStatus.METHOD_NOT_ALLOWED, Map.of(HttpHeaders.ALLOW, ALLOWED_METHODS), null);
		}
		OAuth2ProtectedResourceMetadata.Builder builder = OAuth2ProtectedResourceMetadata.builder()
			.resource(this.resource.resource(origin));
		this.customizer.customize(builder);
		byte[] body = this.json.writeValueAsBytes(builder.build().getClaims());
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
		headers.put(HttpHeaders.CACHE_CONTROL,
				this.resource.dependsOnRequest() ? CACHE_CONTROL_PER_REQUEST : CACHE_CONTROL_SHARED);
		return new Answer(HttpStatus.OK, headers, body, !HttpMethod.HEAD.matches(method));
	}

	/**
	 * An answer to write.
	 * @param status the status
	 * @param headers headers to set
	 * @param document the document, whose length is the {@code Content-Length}, or {@code null}
	 * @param withBody whether to send the document (not for {@code HEAD})
	 */
	record Answer(HttpStatus status, Map<String, String> headers, byte[] document, boolean withBody) {

		Answer(HttpStatus status, Map<String, String> headers, byte[] document) {
			this(status, headers, document, false);
		}

	}

}
