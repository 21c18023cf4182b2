package dev.mcpoauth.client.discovery;

import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery.DiscoveryException;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery.MetadataNotFoundException;
import dev.mcpoauth.discovery.BoundedResourceRetriever.HttpStatusException;
import dev.mcpoauth.discovery.HttpsPolicy;

/**
 * Finds the authorization server of an MCP server as the MCP authorization specification orders it: the Protected
 * Resource Metadata (RFC 9728) from the URL a 401 challenge names, else from the path-suffixed well-known URI, then
 * the root one; its {@code resource} must be the MCP server being called (from the root well-known URI, RFC 9728
 * section 3.3 lets it be the server's origin, into which that URI was built). Then the authorization server's metadata
 * by the RFC 8414 / OpenID Connect probe order, whose {@code issuer} must match. Every URL must pass the
 * {@link HttpsPolicy}: a configured one {@link HttpsPolicy#permits}, one learned from a response (a challenge's
 * {@code resource_metadata}, an {@code authorization_servers} entry, a {@code token_endpoint})
 * {@link HttpsPolicy#permitsLearned} against the URL it came from.
 */
public final class McpServerDiscovery {

	private static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

	private final ResourceRetriever retriever;

	private final HttpsPolicy https;

	private final AuthorizationServerMetadataDiscovery authorizationServers;

	/**
	 * @param retriever the HTTP retriever, with its timeouts and size limit
	 * @param https the plain-http policy
	 */
	public McpServerDiscovery(ResourceRetriever retriever, HttpsPolicy https) {
		this.retriever = retriever;
		this.https = https;
		this.authorizationServers = new AuthorizationServerMetadataDiscovery(retriever);
	}

	/**
	 * The Protected Resource Metadata URLs to try, in order.
	 * @param serverUrl the MCP endpoint
	 * @param fromChallenge the {@code resource_metadata} of a 401 challenge, or {@code null}
	 * @return the candidates
	 */
	public static List<URI> metadataCandidates(URI serverUrl, URI fromChallenge) {
		if (fromChallenge != null) {
			return List.of(fromChallenge);
		}
		String origin = serverUrl.getScheme() + "://" + serverUrl.getRawAuthority();
		String path = (serverUrl.getRawPath() != null) ? serverUrl.getRawPath() : "";
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		List<URI> candidates = new ArrayList<>();
		if (!path.isEmpty()) {
			candidates.add(URI.create(origin + WELL_KNOWN + path));
		}
		candidates.add(URI.create(origin + WELL_KNOWN));
		return candidates;
	}

	/**
	 * Discover the protected resource. The well-known URIs share the configured server URL's origin; a challenge's
	 * URL is learned from the network and must pass {@link HttpsPolicy#permitsLearned}.
	 * @param serverUrl the MCP endpoint being called
	 * @param fromChallenge the {@code resource_metadata} of a 401 challenge, or {@code null}
	 * @return the metadata
	 */
	public ProtectedResource protectedResource(URI serverUrl, URI fromChallenge) {
		if (fromChallenge != null) {
			requirePermitted(fromChallenge, serverUrl);
		}
		List<String> failures = new ArrayList<>();
		boolean absent = fromChallenge == null;
		for (URI candidate : metadataCandidates(serverUrl, fromChallenge)) {
			Map<String, Object> metadata;
			try {
				metadata = JSONObjectUtils.parse(this.retriever.retrieveResource(candidate.toURL()).getContent());
			}
			catch (IOException | ParseException | RuntimeException ex) {
				failures.add(candidate + ": " + ex.getMessage());
				absent &= HttpStatusException.isAbsent(ex);
				continue;
			}
			Object resource = metadata.get("resource");
			if (!(resource instanceof String declared) || !isFor(declared, serverUrl, candidate, fromChallenge)) {
				throw new DiscoveryException("The Protected Resource Metadata at " + candidate + " is for resource '"
						+ resource + "', not for " + serverUrl + "; refusing it");
			}
			List<URI> servers = uris(metadata.get("authorization_servers"));
			if (servers.isEmpty()) {
				throw new DiscoveryException(
						"The Protected Resource Metadata at " + candidate + " names no authorization_servers");
			}
			return new ProtectedResource(candidate, URI.create(declared), servers,
					strings(metadata.get("scopes_supported")));
		}
		String message = "No Protected Resource Metadata found for " + serverUrl + " " + failures;
		throw absent ? new MetadataNotFoundException(message) : new DiscoveryException(message);
	}

	/**
	 * Whether a document's {@code resource} is the MCP server: the same resource as the server URL; or, for a
	 * document read from the root well-known URI (not named by a challenge), exactly the server URL's origin, the
	 * resource identifier that URI is built from (RFC 9728 section 3.3).
	 */
	private static boolean isFor(String declared, URI serverUrl, URI candidate, URI fromChallenge) {
		URI resource;
		try {
			resource = URI.create(declared);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (sameResource(resource, serverUrl)) {
			return true;
		}
		String origin = serverUrl.getScheme() + "://" + serverUrl.getRawAuthority();
		return fromChallenge == null && candidate.getRawPath().equals(WELL_KNOWN) && resource.getRawQuery() == null
				&& resource.getRawFragment() == null && sameResource(resource, URI.create(origin));
	}

	/**
	 * The authorization server of an MCP server that publishes no Protected Resource Metadata (MCP 2025-03-26): the
	 * server's origin is the issuer; its RFC 8414 metadata, or when it has none, the default endpoints
	 * {@code /authorize}, {@code /token} and {@code /register} at that origin. Only the origin of the configured
	 * server URL is used, never a URL learned from the network.
	 * @param serverUrl the MCP endpoint being called (configured)
	 * @return the authorization server
	 */
	public AuthorizationServer legacyAuthorizationServer(URI serverUrl) {
		URI origin = URI.create(serverUrl.getScheme() + "://" + serverUrl.getRawAuthority());
		if (!this.https.permits(origin)) {
			throw new DiscoveryException(origin + " must use https (plain http is allowed for loopback hosts, or "
					+ "with mcp.oauth.client.allow-insecure-http=true)");
		}
		try {
			return metadata(origin);
		}
		catch (MetadataNotFoundException ex) {
			return new AuthorizationServer(origin, URI.create(origin + "/token"), List.of(), List.of(),
					URI.create(origin + "/authorize"), URI.create(origin + "/register"), List.of(), false, false,
					List.of("authorization_code", "refresh_token"), false);
		}
	}

	/**
	 * Discover an authorization server whose issuer the user configured.
	 * @param issuer its issuer identifier
	 * @return its metadata
	 */
	public AuthorizationServer authorizationServer(URI issuer) {
		if (!this.https.permits(issuer)) {
			throw new DiscoveryException(issuer + " must use https (plain http is allowed for loopback hosts, or "
					+ "with mcp.oauth.client.allow-insecure-http=true)");
		}
		return metadata(issuer);
	}

	/**
	 * Discover an authorization server named by a Protected Resource Metadata document.
	 * @param issuer its issuer identifier
	 * @param namedBy the URL of the document that names it
	 * @return its metadata
	 */
	public AuthorizationServer authorizationServer(URI issuer, URI namedBy) {
		requirePermitted(issuer, namedBy);
		return metadata(issuer);
	}

	private AuthorizationServer metadata(URI issuer) {
		Map<String, Object> metadata = this.authorizationServers.discover(issuer);
		URI tokenUri = endpoint(metadata, "token_endpoint", issuer);
		if (tokenUri == null) {
			throw new DiscoveryException("The metadata of " + issuer + " has no token_endpoint");
		}
		return new AuthorizationServer(issuer, tokenUri, strings(metadata.get("token_endpoint_auth_methods_supported")),
				strings(metadata.get("scopes_supported")), endpoint(metadata, "authorization_endpoint", issuer),
				endpoint(metadata, "registration_endpoint", issuer),
				strings(metadata.get("code_challenge_methods_supported")),
				Boolean.TRUE.equals(metadata.get("authorization_response_iss_parameter_supported")),
				Boolean.TRUE.equals(metadata.get("client_id_metadata_document_supported")),
				metadata.containsKey("grant_types_supported") ? strings(metadata.get("grant_types_supported"))
						: List.of("authorization_code", "implicit"),
				true);
	}

	/** An endpoint named by the metadata of an issuer: absent, or an absolute URL the policy permits. */
	private URI endpoint(Map<String, Object> metadata, String name, URI issuer) {
		Object value = metadata.get(name);
		if (value == null) {
			return null;
		}
		URI uri;
		try {
			uri = (value instanceof String text) ? new URI(text) : null;
		}
		catch (java.net.URISyntaxException ex) {
			uri = null;
		}
		if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getRawFragment() != null) {
			throw new DiscoveryException("The metadata of " + issuer + " has an " + name + " that is not an absolute "
					+ "URL without fragment");
		}
		requirePermitted(uri, issuer);
		return uri;
	}

	private void requirePermitted(URI url, URI learnedFrom) {
		if (!this.https.permitsLearned(url, learnedFrom)) {
			throw new DiscoveryException(url + " (named by " + learnedFrom + ") must use https: plain http is allowed "
					+ "only on loopback within a loopback chain the user configured, or with "
					+ "mcp.oauth.client.allow-insecure-http=true");
		}
	}

	/**
	 * Whether two URIs name the same resource: scheme and host compared without case, default ports dropped, a
	 * trailing slash ignored.
	 * @param a one URI
	 * @param b another
	 * @return whether they are the same resource
	 */
	public static boolean sameResource(URI a, URI b) {
		return canonical(a).equals(canonical(b));
	}

	private static String canonical(URI uri) {
		URI normalized = uri.normalize();
		String scheme = String.valueOf(normalized.getScheme()).toLowerCase(Locale.ROOT);
		String host = String.valueOf(normalized.getHost()).toLowerCase(Locale.ROOT);
		int port = normalized.getPort();
		if (("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80)) {
			port = -1;
		}
		String path = (normalized.getRawPath() != null) ? normalized.getRawPath() : "";
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		String query = (normalized.getRawQuery() != null) ? "?" + normalized.getRawQuery() : "";
		return scheme + "://" + host + ((port >= 0) ? ":" + port : "") + path + query;
	}

	private static List<String> strings(Object value) {
		List<String> strings = new ArrayList<>();
		if (value instanceof List<?> list) {
			list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(strings::add);
		}
		return strings;
	}

	private static List<URI> uris(Object value) {
		List<URI> uris = new ArrayList<>();
		for (String s : strings(value)) {
			try {
				uris.add(URI.create(s));
			}
			catch (IllegalArgumentException ex) {
				// not a URI: skipped
			}
		}
		return uris;
	}

	/**
	 * RFC 9728 Protected Resource Metadata, as far as the client needs it.
	 *
	 * @param metadataUrl where it was read
	 * @param resource the resource identifier, sent as RFC 8707 {@code resource}
	 * @param authorizationServers the issuers that can issue tokens for it
	 * @param scopesSupported the scopes it advertises
	 */
	public record ProtectedResource(URI metadataUrl, URI resource, List<URI> authorizationServers,
			List<String> scopesSupported) {
	}

	/**
	 * RFC 8414 authorization server metadata, as far as the client needs it. Every endpoint passed the
	 * {@link HttpsPolicy} against the issuer.
	 *
	 * @param issuer the issuer identifier
	 * @param tokenEndpoint the token endpoint
	 * @param tokenEndpointAuthMethods the advertised client authentication methods
	 * @param scopesSupported the advertised scopes
	 * @param authorizationEndpoint the authorization endpoint, or {@code null}
	 * @param registrationEndpoint the RFC 7591 registration endpoint, or {@code null}
	 * @param codeChallengeMethods the advertised PKCE methods (none: the server does not support PKCE)
	 * @param issParameterSupported whether it advertises RFC 9207 {@code iss} in authorization responses
	 * @param clientIdMetadataDocumentSupported whether it accepts Client ID Metadata Document URLs as client ids
	 * @param grantTypes the advertised grant types (RFC 8414's default when absent)
	 * @param fromMetadata {@code false} for the MCP 2025-03-26 default endpoints of a server without metadata
	 */
	public record AuthorizationServer(URI issuer, URI tokenEndpoint, List<String> tokenEndpointAuthMethods,
			List<String> scopesSupported, URI authorizationEndpoint, URI registrationEndpoint,
			List<String> codeChallengeMethods, boolean issParameterSupported, boolean clientIdMetadataDocumentSupported,
			List<String> grantTypes, boolean fromMetadata) {
	}

}
