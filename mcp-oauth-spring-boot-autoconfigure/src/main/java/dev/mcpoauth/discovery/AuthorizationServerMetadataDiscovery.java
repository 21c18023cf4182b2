package dev.mcpoauth.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * Finds the metadata of an authorization server from its issuer identifier, in the order the MCP specification
 * requires: RFC 8414 with path insertion, then OpenID Connect Discovery with path insertion, then OpenID Connect
 * Discovery with the path appended. The {@code issuer} in the document must equal the issuer used to find it
 * (mix-up defence); a document that fails this check is refused.
 */
public final class AuthorizationServerMetadataDiscovery {

	private static final String OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server";

	private static final String OIDC_WELL_KNOWN = "/.well-known/openid-configuration";

	private final ResourceRetriever retriever;

	/**
	 * @param retriever the HTTP retriever, with its timeouts and size limit
	 */
	public AuthorizationServerMetadataDiscovery(ResourceRetriever retriever) {
		this.retriever = retriever;
	}

	/**
	 * The metadata URLs to try for an issuer, in order.
	 * @param issuer the issuer identifier
	 * @return the candidate URLs
	 */
	public static List<URI> candidateUrls(URI issuer) {
		String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
		String path = (issuer.getRawPath() != null) ? issuer.getRawPath() : "";
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		List<URI> urls = new ArrayList<>();
		urls.add(URI.create(origin + OAUTH_WELL_KNOWN + path));
		urls.add(URI.create(origin + OIDC_WELL_KNOWN + path));
		if (!path.isEmpty()) {
			urls.add(URI.create(origin + path + OIDC_WELL_KNOWN));
		}
		return urls;
	}

	/**
	 * Fetch the metadata of the issuer.
	 * @param issuer the issuer identifier
	 * @return the metadata document
	 * @throws DiscoveryException when no candidate answers with a valid document for this issuer
	 */
	public Map<String, Object> discover(URI issuer) {
		List<String> failures = new ArrayList<>();
		boolean absent = true;
		for (URI candidate : candidateUrls(issuer)) {
			Map<String, Object> metadata;
			try {
				URL url = candidate.toURL();
				metadata = JSONObjectUtils.parse(this.retriever.retrieveResource(url).getContent());
			}
			catch (IOException | ParseException | RuntimeException ex) {
				failures.add(candidate + ": " + ex.getMessage());
				absent &= BoundedResourceRetriever.HttpStatusException.isAbsent(ex);
				continue;
			}
			Object declared = metadata.get("issuer");
			if (!issuer.toString().equals(declared)) {
				throw new DiscoveryException("Metadata at " + candidate + " names issuer '" + declared
						+ "' instead of '" + issuer + "'; refusing it (issuer mix-up defence)");
			}
			return metadata;
		}
		String message = "No authorization server metadata found for issuer " + issuer + " " + failures;
		throw absent ? new MetadataNotFoundException(message) : new DiscoveryException(message);
	}

	/**
	 * Metadata could not be discovered, or was refused (server or client side, authorization server or protected
	 * resource metadata).
	 */
	public static class DiscoveryException extends RuntimeException {

		public DiscoveryException(String message) {
			super(message);
		}

	}

	/**
	 * Every candidate URL answered that it has no document (4xx), as opposed to a document that was refused or a
	 * server that did not answer: what the MCP 2025-03-26 fallbacks start from.
	 */
	public static final class MetadataNotFoundException extends DiscoveryException {

		public MetadataNotFoundException(String message) {
			super(message);
		}

	}

}
