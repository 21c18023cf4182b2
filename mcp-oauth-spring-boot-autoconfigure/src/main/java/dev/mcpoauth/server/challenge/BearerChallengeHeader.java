package dev.mcpoauth.server.challenge;

import java.util.Collection;

/**
 * Builds the value of a {@code WWW-Authenticate} challenge of the {@code Bearer} scheme (RFC 6750 section 3) or of
 * the {@code DPoP} scheme (RFC 9449 section 7.1, the same parameters and {@code algs}), with parameters in the order
 * they are added. Parameters without a value are left out; quotes and backslashes in values are escaped.
 */
final class BearerChallengeHeader {

	private final StringBuilder value;

	private boolean first = true;

	/** A {@code Bearer} challenge. */
	BearerChallengeHeader() {
		this(ChallengeSchemes.BEARER);
	}

	/**
	 * @param scheme the authentication scheme, {@code Bearer} or {@code DPoP}
	 */
	BearerChallengeHeader(String scheme) {
		this.value = new StringBuilder(scheme);
	}

	BearerChallengeHeader param(String name, String parameterValue) {
		if (parameterValue == null || parameterValue.isEmpty()) {
			return this;
		}
		this.value.append(this.first ? " " : ", ").append(name).append("=\"");
		for (char c : parameterValue.toCharArray()) {
			if (c == '"' || c == '\\') {
				this.value.append('\\');
			}
			this.value.append((c < 0x20 || c > 0x7E) ? ' ' : c);
		}
		this.value.append('"');
		this.first = false;
		return this;
	}

	BearerChallengeHeader scope(Collection<String> scopes) {
		return param("scope", String.join(" ", scopes));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
