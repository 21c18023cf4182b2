package dev.mcpoauth.server.challenge;

import java.util.Collection;

/**
 * Builds the value of a {@code WWW-Authenticate: Bearer} challenge (RFC 6750 section 3) with parameters in the
 * order they are added. Parameters without a value are left out; quotes and backslashes in values are escaped.
 */
final class BearerChallengeHeader {

	private final StringBuilder value = new StringBuilder("Bearer");

	private boolean first = true;

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
