package dev.mcpoauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Digests that stand for a secret where only its identity is needed (a cache or binding key), so that the secret
 * itself is never kept as a key.
 */
public final class Digests {

	private Digests() {
	}

	/**
	 * @param value a value
	 * @return the hex SHA-256 digest of its UTF-8 bytes
	 */
	public static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

}
