package dev.mcpoauth.discovery;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for plain-http endpoints: https everywhere, http only for loopback hosts unless the user opts in. A URL
 * the user configured is judged by {@link #permits}; a URL learned from the network (a challenge's
 * {@code resource_metadata}, a metadata document's {@code authorization_servers} or {@code token_endpoint}) by the
 * stricter {@link #permitsLearned}, so that a remote server can never aim the client at a plain-http listener.
 */
public final class HttpsPolicy {

	private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");

	private final boolean allowInsecureHttp;

	public HttpsPolicy(boolean allowInsecureHttp) {
		this.allowInsecureHttp = allowInsecureHttp;
	}

	/**
	 * Whether the given absolute URI may be used.
	 * @param uri the URI
	 * @return {@code true} for https, for http on a loopback host, or for any http when insecure http is allowed
	 */
	public boolean permits(URI uri) {
		String scheme = scheme(uri);
		if ("https".equals(scheme)) {
			return true;
		}
		return "http".equals(scheme) && (this.allowInsecureHttp || isLoopback(uri.getHost()));
	}

	/**
	 * Whether a URI learned from the network may be used: https; plain http only when the user opted in, or when it
	 * and the URL it was learned from are both plain http on a loopback host, so that a plain-http chain can start
	 * only at a loopback URL the user configured (a local test or development setup) and never leave loopback. Here
	 * loopback means {@code localhost} itself or a literal loopback address: {@code *.localhost} names are not
	 * resolved, so they do not count.
	 * @param learned the URI named by a response
	 * @param source the URL of that response (itself configured, or permitted by this method)
	 * @return whether {@code learned} may be used
	 */
	public boolean permitsLearned(URI learned, URI source) {
		if ("https".equals(scheme(learned))) {
			return true;
		}
		if (!"http".equals(scheme(learned))) {
			return false;
		}
		return this.allowInsecureHttp || (isLoopbackLiteral(learned.getHost()) && "http".equals(scheme(source))
				&& isLoopbackLiteral(source.getHost()));
	}

	private static String scheme(URI uri) {
		return (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
	}

	/**
	 * Whether the host of a configured URI is loopback: {@code localhost}, a {@code *.localhost} name (RFC 6761; taken
	 * on the user's word, never for a learned URI) or a literal loopback address; names are not resolved, so this
	 * never blocks on DNS.
	 * @param host the host, possibly {@code null}
	 * @return whether it is loopback
	 */
	public static boolean isLoopback(String host) {
		return isLoopbackLiteral(host) || (host != null && host.toLowerCase(Locale.ROOT).endsWith(".localhost"));
	}

	/**
	 * Whether the host is {@code localhost} itself or a literal loopback address (never resolved).
	 * @param host the host, possibly {@code null}
	 * @return whether it is loopback
	 */
	static boolean isLoopbackLiteral(String host) {
		if (host == null || host.isEmpty()) {
			return false;
		}
		String h = host.toLowerCase(Locale.ROOT);
		if (h.equals("localhost")) {
			return true;
		}
		if (h.startsWith("[") && h.endsWith("]")) {
			h = h.substring(1, h.length() - 1);
		}
		if (!IPV4_LITERAL.matcher(h).matches() && !h.contains(":")) {
			return false;
		}
		try {
			return InetAddress.getByName(h).isLoopbackAddress();
		}
		catch (Exception ex) {
			return false;
		}
	}

}
