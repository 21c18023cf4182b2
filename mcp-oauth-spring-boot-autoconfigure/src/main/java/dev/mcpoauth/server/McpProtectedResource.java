package dev.mcpoauth.server;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * Identity of the protected MCP endpoint: its RFC 9728 resource identifier and the URL of its Protected Resource
 * Metadata. When no resource identifier is configured both are derived from the request (origin, context path and
 * endpoint path), so they follow {@code server.forward-headers-strategy}. Knows nothing of the web stack: each
 * reads its request into a {@link RequestOrigin}.
 */
public final class McpProtectedResource {

	/** The RFC 9728 well-known path prefix. */
	public static final String WELL_KNOWN_PATH = "/.well-known/oauth-protected-resource";

	private final URI configuredResource;

	private final String endpoint;

	private final List<String> paths;

	/**
	 * @param configuredResource the configured resource identifier, or {@code null} to derive it per request
	 * @param endpoint the endpoint path relative to the context path
	 */
	public McpProtectedResource(URI configuredResource, String endpoint) {
		this(configuredResource, new McpEndpoints(endpoint, List.of(endpoint)));
	}

	/**
	 * @param configuredResource the configured resource identifier, or {@code null} to derive it per request
	 * @param endpoints the endpoint the resource describes, and every path its MCP server answers on
	 */
	public McpProtectedResource(URI configuredResource, McpEndpoints endpoints) {
		this.configuredResource = configuredResource;
		this.endpoint = endpoints.resourcePath();
		this.paths = endpoints.paths();
	}

	/**
	 * @return every path of the MCP server relative to the context path (each covered with its sub-paths), the
	 * endpoint first: for Spring AI's SSE transport, its SSE and message endpoints
	 */
	public List<String> paths() {
		return this.paths;
	}

	/**
	 * @return the path patterns of the MCP server for a security chain's matcher: each of {@link #paths()} and its
	 * sub-paths
	 */
	public List<String> pathPatterns() {
		List<String> patterns = new ArrayList<>();
		this.paths.forEach((path) -> patterns.addAll(List.of(path, path + "/**")));
		return patterns;
	}

	/**
	 * @return the endpoint path relative to the context path, e.g. {@code /mcp}
	 */
	public String endpoint() {
		return this.endpoint;
	}

	/**
	 * @return the path-suffixed metadata path relative to the context path, e.g.
	 * {@code /.well-known/oauth-protected-resource/mcp}
	 */
	public String metadataPath() {
		return WELL_KNOWN_PATH + this.endpoint;
	}

	/**
	 * @return whether the resource identifier, and so the metadata document, is derived from each request's host
	 * (no {@code mcp.oauth.server.resource} is configured), so that one request's answer must not be cached for
	 * another
	 */
	public boolean dependsOnRequest() {
		return this.configuredResource == null;
	}

	/**
	 * The resource identifier for a request.
	 * @param origin where the request was sent
	 * @return the configured identifier, or origin + context path + endpoint
	 * @throws IllegalStateException when none is configured and the request's host makes no URL (see
	 * {@link #hasUsableOrigin})
	 */
	public String resource(RequestOrigin origin) {
		if (this.configuredResource != null) {
			return this.configuredResource.toString();
		}
		String contextUrl = origin.contextUrl();
		if (contextUrl == null) {
			throw new IllegalStateException("The request's host does not make a URL");
		}
		return contextUrl + this.endpoint;
	}

	/**
	 * Whether a request's origin makes a usable resource identifier: always when {@code resource} is configured;
	 * else the identifier and the metadata URL derived from the request ({@code Host}, or forwarded headers the
	 * application trusts) must each be read as a URL exactly as their users read them: {@link #metadataUrl}, and
	 * {@link URI#toURL()} in the metadata document.
	 * @param origin where the request was sent
	 * @return whether {@link #resource} and {@link #metadataUrl} can be answered for it
	 */
	public boolean hasUsableOrigin(RequestOrigin origin) {
		if (this.configuredResource != null) {
			return true;
		}
		try {
			URI.create(resource(origin)).toURL();
			URI.create(metadataUrl(origin)).toURL();
			return true;
		}
		catch (MalformedURLException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The URL of the path-suffixed metadata document, as named in {@code resource_metadata}.
	 * @param origin where the request was sent
	 * @return the origin of the resource identifier + context path + metadata path
	 */
	public String metadataUrl(RequestOrigin origin) {
		return UriComponentsBuilder.fromUriString(resource(origin))
			.replacePath(origin.contextPath() + metadataPath())
			.replaceQuery(null)
			.fragment(null)
			.build()
			.toUriString();
	}

}
