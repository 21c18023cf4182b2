package dev.mcpoauth.server.scope;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
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
 * notification (a batch, a response), a header sent twice, a protocol version that is not a date, and a value with
 * characters a header may not carry are refused as well; so are {@code Mcp-Param-*} headers, which mirror tool
 * arguments by each tool's {@code x-mcp-header} schema annotations that this check does not read, and header names
 * that a CGI-style reader takes for one of these ({@code Mcp_Name}). A request without
 * {@code MCP-Protocol-Version} is one of protocol version 2025-03-26, as the specification allows a server to
 * assume, and needs none of these headers. Values are compared exactly (they are case-sensitive); the body is read as
 * {@link LenientMessage} reads it.
 *
 * @param protocolVersion the values of {@code MCP-Protocol-Version}
 * @param method the values of {@code Mcp-Method}
 * @param name the values of {@code Mcp-Name}
 * @param unchecked the names of headers this check cannot verify and so refuses: {@code Mcp-Param-*}, and names a
 * reader could take for one of the above
 */
public record RequestMetadataHeaders(List<String> protocolVersion, List<String> method, List<String> name,
		List<String> unchecked) {

	/** JSON-RPC error code {@code HeaderMismatch}. */
	public static final int HEADER_MISMATCH = -32020;

	/** Name of the protocol version header. */
	public static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";

	/** Name of the method header. */
	public static final String METHOD_HEADER = "Mcp-Method";

	/** Name of the name header. */
	public static final String NAME_HEADER = "Mcp-Name";

	/** A request without any of the headers. */
	public static final RequestMetadataHeaders NONE = new RequestMetadataHeaders(List.of(), List.of(), List.of(),
			List.of());

	/** Prefix of the headers that mirror tool arguments ({@code x-mcp-header}), which are not checked. */
	private static final String PARAM_HEADER_PREFIX = "mcp-param-";

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
		unchecked = List.copyOf(unchecked);
	}

	/**
	 * Read the headers of a request as its web stack gives them.
	 * @param headerNames the names of the request's headers
	 * @param values every value of a header, by name (compared ignoring case)
	 * @return the request metadata headers, with the names of headers that a reader could take for one of them
	 * ({@code _} for {@code -}, as CGI-style gateways read names) or that mirror tool arguments
	 * ({@code Mcp-Param-*}), which this check cannot verify
	 */
	public static RequestMetadataHeaders read(Iterable<String> headerNames, Function<String, List<String>> values) {
		List<String> unchecked = new ArrayList<>();
		for (String header : headerNames) {
			String lower = header.toLowerCase(Locale.ROOT);
			String dashed = lower.replace('_', '-');
			boolean metadata = dashed.equals("mcp-protocol-version") || dashed.equals("mcp-method")
					|| dashed.equals("mcp-name");
			if (dashed.startsWith(PARAM_HEADER_PREFIX) || (metadata && !dashed.equals(lower))) {
				unchecked.add(header);
			}
		}
		return new RequestMetadataHeaders(values.apply(PROTOCOL_VERSION_HEADER), values.apply(METHOD_HEADER),
				values.apply(NAME_HEADER), unchecked);
	}

	/**
	 * @return whether the body must be read to check these headers: any of them is present
	 */
	public boolean needBody() {
		return !this.protocolVersion.isEmpty() || !this.method.isEmpty() || !this.name.isEmpty()
				|| !this.unchecked.isEmpty();
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
		if (!this.unchecked.isEmpty()) {
			return "this server checks no Mcp-Param headers, nor header names spelled with '_'";
		}
		String version = single(this.protocolVersion);
		if (version != null && !DATE_VERSION.matcher(version).matches()) {
			return "the " + PROTOCOL_VERSION_HEADER + " header is not a protocol version";
		}
		String method = single(this.method);
		if (method != null && decodePlain(method) == null) {
			return "the " + METHOD_HEADER + " header holds characters a header may not carry";
		}
		String bodyMethod = message.isObject() ? scalar(member(message, "method")) : null;
		if (bodyMethod == null) {
			return "request metadata headers on a body that is not one JSON-RPC request or notification";
		}
		boolean required = mirroring() && scalar(member(message, "id")) != null;
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
		return decodePlain(header);
	}

	/** The value itself if it holds only visible ASCII, space and tab, else {@code null}. */
	private static String decodePlain(String header) {
		for (int i = 0; i < header.length(); i++) {
			char c = header.charAt(i);
			if ((c < 0x20 || c > 0x7E) && c != '\t') {
				return null;
			}
		}
		return header;
	}

}
