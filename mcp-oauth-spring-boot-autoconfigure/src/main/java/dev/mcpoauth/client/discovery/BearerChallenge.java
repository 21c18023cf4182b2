package dev.mcpoauth.client.discovery;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Bearer} challenge of a {@code WWW-Authenticate} response header (RFC 6750 section 3, RFC 9728
 * section 5.1): {@code error}, {@code scope} and {@code resource_metadata}; or, for a client that presents DPoP-bound
 * tokens, the {@code DPoP} challenge (RFC 9449 section 7.1), which has the same parameters. Parses auth-params with
 * quoted-string escapes; challenges of other schemes in the same header are skipped.
 *
 * @param parameters the challenge's parameters, names in lower case
 */
public record BearerChallenge(Map<String, String> parameters) {

	/** RFC 6749 scope-token: printable ASCII except space, '"' and '\\'; anything else a server names is dropped. */
	private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

	/** Control and format characters (C0, C1, bidirectional overrides): never passed on to a message or a log. */
	private static final Pattern UNPRINTABLE = Pattern.compile("\\p{C}");

	/** A response without a Bearer challenge. */
	public static final BearerChallenge NONE = new BearerChallenge(Map.of());

	/**
	 * Parse the Bearer challenge from the header values of a response.
	 * @param headerValues every {@code WWW-Authenticate} value
	 * @return the challenge, or {@link #NONE}
	 */
	public static BearerChallenge parse(List<String> headerValues) {
		return parse(headerValues, "bearer");
	}

	/**
	 * Parse the first challenge of the first scheme named that the response has.
	 * @param headerValues every {@code WWW-Authenticate} value
	 * @param schemes the schemes, most wanted first, e.g. {@code "dpop", "bearer"}
	 * @return the challenge, or {@link #NONE}
	 */
	public static BearerChallenge parse(List<String> headerValues, String... schemes) {
		for (String scheme : schemes) {
			for (String value : headerValues) {
				Map<String, String> parameters = new Parser(value).parameters(scheme.toLowerCase(Locale.ROOT));
				if (parameters != null) {
					return new BearerChallenge(Map.copyOf(parameters));
				}
			}
		}
		return NONE;
	}

	/** @return the OAuth error code, or {@code null} */
	public String error() {
		return this.parameters.get("error");
	}

	/**
	 * @return the {@code error_description}, made {@linkplain #printable printable} (it comes from the network and
	 * ends up in messages and logs), or {@code null}
	 */
	public String description() {
		return printable(this.parameters.get("error_description"), 300);
	}

	/**
	 * A value learned from the network as it may appear in a message or a log: every control or format character
	 * (C0, C1, bidirectional overrides) replaced by a space, and at most {@code max} characters.
	 * @param value the value, or {@code null}
	 * @param max the most characters kept
	 * @return the printable value, or {@code null}
	 */
	public static String printable(String value, int max) {
		if (value == null) {
			return null;
		}
		String printable = UNPRINTABLE.matcher(value).replaceAll(" ");
		return (printable.length() > max) ? printable.substring(0, max) + "..." : printable;
	}

	/** @return the scopes the challenge names, in order, possibly empty */
	public Set<String> scopes() {
		String scope = this.parameters.get("scope");
		Set<String> scopes = new LinkedHashSet<>();
		if (scope != null) {
			Arrays.stream(scope.split(" ")).filter((token) -> SCOPE_TOKEN.matcher(token).matches()).forEach(scopes::add);
		}
		return scopes;
	}

	/** @return the {@code resource_metadata} URL, or {@code null} when absent or not a URI */
	public URI resourceMetadata() {
		String url = this.parameters.get("resource_metadata");
		try {
			return (url != null) ? URI.create(url) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** @return whether this is a 403 step-up challenge */
	public boolean isInsufficientScope() {
		return "insufficient_scope".equals(error());
	}

	private static final class Parser {

		private final String input;

		private int position;

		Parser(String input) {
			this.input = input;
		}

		/** The parameters of the first challenge of the scheme (lower case), or null when there is none. */
		Map<String, String> parameters(String wanted) {
			while (this.position < this.input.length()) {
				skip(" ,");
				String scheme = token();
				if (scheme.isEmpty()) {
					return null;
				}
				Map<String, String> parameters = parameters();
				if (wanted.equals(scheme.toLowerCase(Locale.ROOT))) {
					return parameters;
				}
			}
			return null;
		}

		private Map<String, String> parameters() {
			Map<String, String> parameters = new LinkedHashMap<>();
			while (true) {
				skip(" ,");
				int start = this.position;
				String name = token();
				skip(" ");
				if (name.isEmpty() || !peek('=')) {
					this.position = start;
					return parameters;
				}
				this.position++;
				skip(" ");
				parameters.putIfAbsent(name.toLowerCase(Locale.ROOT), peek('"') ? quoted() : token());
			}
		}

		private String token() {
			int start = this.position;
			while (this.position < this.input.length() && " ,=\"".indexOf(this.input.charAt(this.position)) < 0) {
				this.position++;
			}
			return this.input.substring(start, this.position);
		}

		private String quoted() {
			StringBuilder value = new StringBuilder();
			this.position++;
			while (this.position < this.input.length()) {
				char c = this.input.charAt(this.position++);
				if (c == '"') {
					break;
				}
				if (c == '\\' && this.position < this.input.length()) {
					c = this.input.charAt(this.position++);
				}
				value.append(c);
			}
			return value.toString();
		}

		private boolean peek(char c) {
			return this.position < this.input.length() && this.input.charAt(this.position) == c;
		}

		private void skip(String characters) {
			while (this.position < this.input.length() && characters.indexOf(this.input.charAt(this.position)) >= 0) {
				this.position++;
			}
		}

	}

}
