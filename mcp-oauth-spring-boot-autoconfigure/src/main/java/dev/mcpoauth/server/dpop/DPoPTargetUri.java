package dev.mcpoauth.server.dpop;

import java.net.URI;

/**
 * The URL a request targets, as a DPoP proof's {@code htu} must name it (RFC 9449 section 4.3: without query and
 * fragment). It is built from the resource identifier, never from what the client alone says: with a configured
 * {@code resource} the request's {@code Host} and forwarded headers play no part, and without one the origin is
 * the one the resource identifier (and the audience check) is derived from. The resource identifier names the
 * endpoint; it stands for the endpoint's path in the application (under a reverse proxy that adds a path prefix,
 * the public prefix replaces the application's), and the request's path within the application follows it as the
 * client sent it (not decoded, so {@code htu} must spell it as the request line did). No other normalisation is
 * made: a proof whose {@code htu} spells the same URL otherwise (another case, a default port) is refused.
 */
public final class DPoPTargetUri {

	private DPoPTargetUri() {
	}

	/**
	 * @param resource the resource identifier of the request (configured, or derived from the request's origin)
	 * @param endpoint the endpoint path within the application, e.g. {@code /mcp}
	 * @param path the request's path within the application as sent (context path removed, not decoded)
	 * @return the URL for {@code htu}
	 */
	public static String of(String resource, String endpoint, String path) {
		String endpointPath = "/".equals(endpoint) ? "" : endpoint;
		URI uri = URI.create(resource);
		String origin = uri.getScheme() + "://" + uri.getRawAuthority();
		String resourcePath = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		if (resourcePath.endsWith("/")) {
			resourcePath = resourcePath.substring(0, resourcePath.length() - 1);
		}
		if (resourcePath.endsWith(endpointPath)) {
			return origin + resourcePath.substring(0, resourcePath.length() - endpointPath.length()) + path;
		}
		if (path.equals(endpointPath) || path.startsWith(endpointPath + "/")) {
			return origin + resourcePath + path.substring(endpointPath.length());
		}
		return origin + path;
	}

}
