package dev.mcpoauth.discovery;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for plain-http endpoints: https everywhere, http only for loopback hosts unless the user opts in.
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
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if ("https".equals(scheme)) {
			return true;
		}
		return "http".equals(scheme) && (this.allowInsecureHttp || isLoopback(uri.getHost()));
	}

	/**
	 * Whether the host is a loopback name or literal address; host names other than {@code localhost} are not
	 * resolved, so this never blocks on DNS.
	 * @param host the host, possibly {@code null}
	 * @return whether it is loopback
	 */
	public static boolean isLoopback(String host) {
		if (host == null || host.isEmpty()) {
			return false;
		}
		String h = host.toLowerCase(Locale.ROOT);
		if (h.equals("localhost") || h.endsWith(".localhost")) {
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
