package dev.mcpoauth.server.scope;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeTypeUtils;

/**
 * Decides whether a request may reach the MCP server, given the scopes of the caller's token: every request needs
 * the endpoint's scopes ({@code mcp.oauth.server.required-scopes}), and every JSON-RPC {@code tools/call} in its body
 * (a single message or a batch) of a tool listed in {@code mcp.oauth.server.tool-scopes} also needs that tool's
 * scopes. A refusal names every scope the request needs, so that one step-up suffices. Knows nothing of the web
 * stack: the servlet and reactive filters read the body (at most {@link #MAX_BODY_BYTES} + 1 bytes) and act on the
 * {@link Decision}.
 *
 * <p>The body is read exactly as the MCP transports read it, or refused: it must be UTF-8 (JSON's only encoding
 * between systems, RFC 8259) by every declaration a reader could follow, a single JSON value with nothing after it,
 * and free of duplicate keys, which another parser could resolve differently. The {@code method}, {@code params} and tool {@code name} members are read as
 * the most lenient JSON binding could read them (keys in any case, numbers as text), and a message that such a
 * binding could read two ways (two keys differing only in case, an array where a string belongs) is refused. An
 * empty body carries no call and is let through; the transport refuses it.
 *
 * <p>Tool names are matched as Spring Boot may have bound them: its relaxed binding lowers the case of a map key
 * given as an environment variable, turns {@code _} into {@code .}, and drops from an unbracketed key every character
 * but letters, digits, {@code -} and {@code .}. So a tool needs the scopes of every configured name that reads the
 * same {@linkplain #fold folded} to its ASCII letters and digits in lower case: tools whose names differ only in
 * case or punctuation share their scopes, and no spelling of a configured name escapes them.
 */
public final class ToolCallScopes {

	/** Largest body that is inspected; a larger one is refused. */
	public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

	private final List<String> requiredScopes;

	private final Map<String, Set<String>> toolScopes;

	private final JsonMapper json = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	/**
	 * @param requiredScopes scopes every request to the endpoint needs, named again in a refusal
	 * @param toolScopes extra scopes per tool name
	 */
	public ToolCallScopes(List<String> requiredScopes, Map<String, List<String>> toolScopes) {
		this.requiredScopes = List.copyOf(requiredScopes);
		Map<String, Set<String>> folded = new LinkedHashMap<>();
		toolScopes.forEach((tool, scopes) -> folded.computeIfAbsent(fold(tool), (key) -> new LinkedHashSet<>())
			.addAll(scopes));
		this.toolScopes = Map.copyOf(folded);
	}

	/**
	 * A tool name reduced to what survives every binding of a map key: its ASCII letters, in lower case, and digits.
	 * @param tool a tool name
	 * @return the folded name
	 */
	static String fold(String tool) {
		StringBuilder folded = new StringBuilder(tool.length());
		for (int i = 0; i < tool.length(); i++) {
			char c = tool.charAt(i);
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				folded.append(c);
			}
			else if (c >= 'A' && c <= 'Z') {
				folded.append((char) (c + ('a' - 'A')));
			}
		}
		return folded.toString();
	}

	/**
	 * @return whether no tool has scopes of its own, so that no body needs to be read
	 */
	public boolean isEmpty() {
		return this.toolScopes.isEmpty();
	}

	/**
	 * Whether a request that may carry a JSON-RPC message needs its body inspected: every method but the read-only
	 * ones, whatever path spelling the security chain admitted it under.
	 * @param method the HTTP method
	 * @return whether to read the body and call {@link #decide}
	 */
	public boolean inspects(String method) {
		return !isEmpty() && !"GET".equals(method) && !"HEAD".equals(method) && !"OPTIONS".equals(method);
	}

	/**
	 * Decide on a body.
	 * @param body the body, or {@code null} when it is larger than {@link #MAX_BODY_BYTES}
	 * @param contentType the request's {@code Content-Type}, or {@code null}
	 * @param characterEncoding the encoding the web stack will decode the body with, when it has its own setting
	 * (a servlet request's character encoding), or {@code null}
	 * @param granted the scopes of the caller's token
	 * @return the decision
	 */
	public Decision decide(byte[] body, String contentType, String characterEncoding, Set<String> granted) {
		if (body == null) {
			return unlessScopeIsLacking(Decision.TOO_LARGE, granted);
		}
		if (!isUtf8(characterEncoding) || !isUtf8(charsetOf(contentType))) {
			return unlessScopeIsLacking(Decision.UNSUPPORTED_CHARSET, granted);
		}
		if (body.length == 0) {
			return decideWithoutBody(granted);
		}
		JsonNode message;
		try {
			message = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return unlessScopeIsLacking(Decision.MALFORMED, granted);
		}
		List<String> needed;
		try {
			needed = neededScopes(message);
		}
		catch (UnreadableMessageException ex) {
			return unlessScopeIsLacking(Decision.MALFORMED, granted);
		}
		return granted.containsAll(needed) ? Decision.ALLOWED : Decision.insufficientScope(needed);
	}

	/**
	 * Decide on a request whose body is not inspected ({@link #inspects} is {@code false}): it needs the scopes of the
	 * endpoint.
	 * @param granted the scopes of the caller's token
	 * @return the decision
	 */
	public Decision decideWithoutBody(Set<String> granted) {
		return unlessScopeIsLacking(Decision.ALLOWED, granted);
	}

	private Decision unlessScopeIsLacking(Decision decision, Set<String> granted) {
		return granted.containsAll(this.requiredScopes) ? decision : Decision.insufficientScope(this.requiredScopes);
	}

	/**
	 * Every scope the message needs: the endpoint's first, then those of each listed tool it calls, so that a
	 * refusal names them all and one step-up suffices.
	 */
	private List<String> neededScopes(JsonNode message) {
		Set<String> needed = new LinkedHashSet<>(this.requiredScopes);
		for (JsonNode call : message.isArray() ? message : List.of(message)) {
			if (!call.isObject() || !"tools/call".equals(scalar(member(call, "method")))) {
				continue;
			}
			JsonNode params = member(call, "params");
			if (params != null && !params.isObject()) {
				throw new UnreadableMessageException();
			}
			String tool = (params != null) ? scalar(member(params, "name")) : null;
			Set<String> scopes = (tool != null) ? this.toolScopes.get(fold(tool)) : null;
			if (scopes != null) {
				needed.addAll(scopes);
			}
		}
		return new ArrayList<>(needed);
	}

	/**
	 * The member of an object as the most lenient reader could bind it: keys are compared ignoring case (Jackson's
	 * {@code ACCEPT_CASE_INSENSITIVE_PROPERTIES}, which an application may turn on for the mapper the MCP server
	 * uses), and two keys that differ only in case make the message unreadable.
	 */
	private static JsonNode member(JsonNode object, String name) {
		JsonNode found = null;
		for (Map.Entry<String, JsonNode> property : object.properties()) {
			if (property.getKey().equalsIgnoreCase(name)) {
				if (found != null) {
					throw new UnreadableMessageException();
				}
				found = property.getValue();
			}
		}
		return found;
	}

	/**
	 * The text a reader binding a string would see: a string, or a number or boolean coerced to text; an array or
	 * object (which {@code UNWRAP_SINGLE_VALUE_ARRAYS} could unwrap) makes the message unreadable.
	 */
	private static String scalar(JsonNode value) {
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isContainer()) {
			throw new UnreadableMessageException();
		}
		return value.asString();
	}

	/** A message that readers could understand differently. */
	private static final class UnreadableMessageException extends RuntimeException {

		UnreadableMessageException() {
			super(null, null, false, false);
		}

	}

	/** The charset parameter of a media type; an unreadable one counts as a charset that is not UTF-8. */
	private static String charsetOf(String contentType) {
		if (contentType == null) {
			return null;
		}
		try {
			return MimeTypeUtils.parseMimeType(contentType).getParameter("charset");
		}
		catch (InvalidMimeTypeException ex) {
			return "unreadable";
		}
	}

	private static boolean isUtf8(String charset) {
		if (charset == null) {
			return true;
		}
		try {
			return StandardCharsets.UTF_8.equals(Charset.forName(charset.trim()));
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			return false;
		}
	}

	/**
	 * What to do with a request.
	 * @param outcome the kind of answer
	 * @param missingScopes for {@link Outcome#INSUFFICIENT_SCOPE}, every scope the request needs
	 */
	public record Decision(Outcome outcome, List<String> missingScopes) {

		static final Decision ALLOWED = new Decision(Outcome.ALLOWED, List.of());

		static final Decision TOO_LARGE = new Decision(Outcome.TOO_LARGE, List.of());

		static final Decision UNSUPPORTED_CHARSET = new Decision(Outcome.UNSUPPORTED_CHARSET, List.of());

		static final Decision MALFORMED = new Decision(Outcome.MALFORMED, List.of());

		static Decision insufficientScope(List<String> missingScopes) {
			return new Decision(Outcome.INSUFFICIENT_SCOPE, List.copyOf(missingScopes));
		}

	}

	/** The kinds of answer. */
	public enum Outcome {

		/** Hand the body on to the MCP server. */
		ALLOWED,

		/** 403 {@code insufficient_scope}, naming {@link Decision#missingScopes()}. */
		INSUFFICIENT_SCOPE,

		/** 413: larger than {@link #MAX_BODY_BYTES}. */
		TOO_LARGE,

		/** 415: a charset other than UTF-8. */
		UNSUPPORTED_CHARSET,

		/** 400: not a single JSON value, or duplicate keys. */
		MALFORMED

	}

}
