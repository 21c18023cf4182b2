package dev.mcpoauth.client.dpop;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The DPoP nonces servers handed out (RFC 9449 sections 8 and 9), each kept for the origin (scheme, host, port) of
 * the response that carried it and used only in proofs for that origin: a nonce one server sends is never shown to
 * another. A value that is not RFC 9449 {@code 1*NQCHAR} or longer than {@link #MAX_LENGTH} is ignored, and at most
 * {@link #MAX_ORIGINS} origins are remembered, the least recently used forgotten first.
 */
final class DPoPNonces {

	/** The longest nonce kept. */
	static final int MAX_LENGTH = 512;

	/** The most origins whose nonce is kept. */
	static final int MAX_ORIGINS = 32;

	/** RFC 9449 section 8.1: {@code nonce = 1*NQCHAR}, NQCHAR = %x21 / %x23-5B / %x5D-7E. */
	private static final Pattern NONCE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1," + MAX_LENGTH + "}");

	private final Map<String, String> nonces = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
			return size() > MAX_ORIGINS;
		}

	};

	/**
	 * Remember the nonce a response carried.
	 * @param uri the URI of the request it answered
	 * @param nonce the {@code DPoP-Nonce} header value, or {@code null}
	 * @return whether it was kept (a well-formed nonce from an http(s) origin)
	 */
	boolean remember(URI uri, String nonce) {
		String origin = origin(uri);
		if (origin == null || nonce == null || !NONCE.matcher(nonce).matches()) {
			return false;
		}
		synchronized (this.nonces) {
			this.nonces.put(origin, nonce);
		}
		return true;
	}

	/**
	 * @param uri the URI a proof is for
	 * @return the nonce of its origin, or {@code null}
	 */
	String nonceFor(URI uri) {
		String origin = origin(uri);
		if (origin == null) {
			return null;
		}
		synchronized (this.nonces) {
			return this.nonces.get(origin);
		}
	}

	/** @return how many origins have a nonce */
	int size() {
		synchronized (this.nonces) {
			return this.nonces.size();
		}
	}

	private static String origin(URI uri) {
		if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
			return null;
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return null;
		}
		int port = (uri.getPort() != -1) ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
		return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
	}

	@Override
	public String toString() {
		return "DPoPNonces[origins=" + size() + "]";
	}

}
