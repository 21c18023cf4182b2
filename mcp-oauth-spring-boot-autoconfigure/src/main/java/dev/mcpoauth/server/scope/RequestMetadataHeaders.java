package dev.mcpoauth.server.scope;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import static dev.mcpoauth.server.scope.LenientMessage.member;
import static dev.mcpoauth.server.scope.LenientMessage.params;
import static dev.mcpoauth.server.scope.LenientMessage.scalar;

/**
 * The request metadata headers of MCP's streamable HTTP transport (2026-07-28, SEP-2243), which mirror fields of the
 * JSON-RPC body so that intermediaries can route on them: {@code MCP-Protocol-Version}, {@code Mcp-Method} and
 * {@code Mcp-Name}. A gateway may authorize or route on a header while the MCP server acts on the body, so a request
 * whose headers and body disagree is refused ({@value #HEADER_MISMATCH}, {@code HeaderMismatch}) before it reaches
 * the server, and a decision made on the body then holds for the headers too. Knows nothing of the web stack: the
 * filters pass every value each header has.
 *
 * <p>The rules, from the specification's "Server Validation": {@code Mcp-Method} equals the body's {@code method};
 * {@code Mcp-Name} equals {@code params.name} of {@code tools/call} and {@code prompts/get} and {@code params.uri} of
 * {@code resources/read}, after decoding the {@code =?base64?...?=} form, and is absent for other methods; a
 * request (not a notification, for which the revision defines no header rules) of protocol version 2026-07-28 or
 * later carries {@code Mcp-Method}, {@code Mcp-Name} whenever the body has a name, and the protocol version in
 * {@code params._meta.io.modelcontextprotocol/protocolVersion}; {@code MCP-Protocol-Version} equals that version
 * whenever the body has one. Headers present on a body that is not one request or
 * notification (a batch, a response), a header sent twice, and a value with characters a header may not carry are
 * refused as well. Values are compared exactly (they are case-sensitive); the body is read as
 * {@link LenientMessage} reads it.
 *
 * @param protocolVersion the values of {@code MCP-Protocol-Version}
 * @param method the values of {@code Mcp-Method}
 * @param name the values of {@code Mcp-Name}
 */
public record RequestMetadataHeaders(List<String> protocolVersion, List<String> method, List<String> name) {

	/** JSON-RPC error code {@code HeaderMismatch}. */
	public static final int HEADER_MISMATCH = -32020;

	/** Name of the protocol version header. */
	public static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";

	/** Name of the method header. */
	public static final String METHOD_HEADER = "Mcp-Method";

	/** Name of the name header. */
	public static final String NAME_HEADER = "Mcp-Name";

	/** A request without any of the headers. */
	public static final RequestMetadataHeaders NONE = new RequestMetadataHeaders(List.of(), List.of(), List.of());

	/** The first protocol version whose requests carry the headers. */
	private static final String FIRST_MIRRORING_VERSION = "2026-07-28";

	private static final Pattern DATE_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

	private static final String BASE64_PREFIX = "=?base64?";

	private static final String BASE64_SUFFIX = "?=";

	private static final String PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";

	/** Methods whose target is named in {@code Mcp-Name}, and the member of {@code params} it mirrors. */
	private static final Map<String, String> NAMED_TARGETS = Map.of("tools/call", "name", "prompts/get", "name",
			"resources/read", "uri");

	public RequestMetadataHeaders {
		protocolVersion = List.copyOf(protocolVersion);
		method = List.copyOf(method);
		name = List.copyOf(name);
	}

	/**
	 * @return whether the body must be read to check these headers: one of {@code Mcp-Method} and {@code Mcp-Name}
	 * is present, or the protocol version is one whose requests must carry them
	 */
	public boolean needBody() {
		return !this.method.isEmpty() || !this.name.isEmpty() || this.protocolVersion.size() > 1 || mirroring();
	}

	/** Whether the request declares a protocol version whose requests mirror their body in headers. */
	private boolean mirroring() {
		if (this.protocolVersion.size() != 1) {
			return false;
		}
		String version = this.protocolVersion.get(0);
		return DATE_VERSION.matcher(version).matches() && version.compareTo(FIRST_MIRRORING_VERSION) >= 0;
	}

	/**
	 * How the headers disagree with the body.
	 * @param message the body, one JSON value
	 * @return a description naming the header (never its value), or {@code null} when they agree
	 * @throws LenientMessage.UnreadableMessageException when the body could be read two ways
	 */
	String disagreement(JsonNode message) {
		if (!needBody()) {
			return null;
		}
		if (this.protocolVersion.size() > 1 || this.method.size() > 1 || this.name.size() > 1) {
			return "a request metadata header is sent more than once";
		}
		String bodyMethod = message.isObject() ? scalar(member(message, "method")) : null;
		if (bodyMethod == null) {
			return "request metadata headers on a body that is not one JSON-RPC request or notification";
		}
		boolean required = mirroring() && scalar(member(message, "id")) != null;
		String method = single(this.method);
		if (method == null) {
			if (required || !this.name.isEmpty()) {
				return "the " + METHOD_HEADER + " header is missing";
			}
		}
		else if (!method.equals(bodyMethod)) {
			return "the " + METHOD_HEADER + " header does not match the method of the body";
		}
		JsonNode params = params(message);
		String nameMismatch = nameDisagreement(bodyMethod, params, required);
		if (nameMismatch != null) {
			return nameMismatch;
		}
		return versionDisagreement(params, required);
	}

	private String nameDisagreement(String bodyMethod, JsonNode params, boolean required) {
		String target = NAMED_TARGETS.get(bodyMethod);
		String bodyName = (target != null && params != null) ? scalar(member(params, target)) : null;
		String header = single(this.name);
		if (header == null) {
			return (bodyName != null && required) ? "the " + NAME_HEADER + " header is missing" : null;
		}
		if (target == null) {
			return "an " + NAME_HEADER + " header on a method without a name";
		}
		String decoded = decode(header);
		if (decoded == null) {
			return "the " + NAME_HEADER + " header is not a valid value";
		}
		return decoded.equals(bodyName) ? null
				: "the " + NAME_HEADER + " header does not match params." + target + " of the body";
	}

	private String versionDisagreement(JsonNode params, boolean required) {
		String header = single(this.protocolVersion);
		JsonNode meta = (params != null) ? member(params, "_meta") : null;
		String bodyVersion = (meta != null && meta.isObject()) ? scalar(member(meta, PROTOCOL_VERSION_META)) : null;
		if (bodyVersion == null) {
			return required ? "the body's _meta does not carry the protocol version of the "
					+ PROTOCOL_VERSION_HEADER + " header" : null;
		}
		return (header == null || header.equals(bodyVersion)) ? null
				: "the " + PROTOCOL_VERSION_HEADER + " header does not match the protocol version of the body";
	}

	private static String single(List<String> values) {
		return values.isEmpty() ? null : values.get(0);
	}

	/**
	 * The value a header carries: the UTF-8 text of the {@code =?base64?...?=} form (the standard alphabet, padded),
	 * or else the value itself if it holds only visible ASCII, space and tab; {@code null} when it is neither.
	 */
	static String decode(String header) {
		if (header.length() >= BASE64_PREFIX.length() + BASE64_SUFFIX.length() && header.startsWith(BASE64_PREFIX)
				&& header.endsWith(BASE64_SUFFIX)) {
			String encoded = header.substring(BASE64_PREFIX.length(), header.length() - BASE64_SUFFIX.length());
			if (encoded.length() % 4 != 0) {
				return null;
			}
			try {
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)))
					.toString();
			}
			catch (IllegalArgumentException | CharacterCodingException ex) {
				return null;
			}
		}
		for (int i = 0; i < header.length(); i++) {
			char c = header.charAt(i);
			if ((c < 0x20 || c > 0x7E) && c != '\t') {
				return null;
			}
		}
		return header;
	}

}
