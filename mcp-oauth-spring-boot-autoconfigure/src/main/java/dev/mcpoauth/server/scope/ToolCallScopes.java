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

import dev.mcpoauth.server.scope.LenientMessage.UnreadableMessageException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;

import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeTypeUtils;

import static dev.mcpoauth.server.scope.LenientMessage.member;
import static dev.mcpoauth.server.scope.LenientMessage.params;
import static dev.mcpoauth.server.scope.LenientMessage.scalar;

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
 * empty body carries no call and is let through; the transport refuses it. The {@linkplain RequestMetadataHeaders
 * request metadata headers} of MCP 2026-07-28 are checked against the body before any scope is decided, so that
 * whoever reads a header sees what the MCP server will act on.
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
	 * The scopes of the caller, read from its {@code SCOPE_} authorities.
	 * @param authentication the caller, or {@code null}
	 * @return its scopes, or {@code null} when the request is not authenticated (let through anonymously by the
	 * chain: the metadata), which this check leaves alone
	 */
	public static Set<String> grantedScopes(Authentication authentication) {
		if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		Set<String> scopes = new LinkedHashSet<>();
		for (GrantedAuthority authority : authentication.getAuthorities()) {
			String name = authority.getAuthority();
			if (name != null && name.startsWith(ScopeAuthoritiesConverter.AUTHORITY_PREFIX)) {
				scopes.add(name.substring(ScopeAuthoritiesConverter.AUTHORITY_PREFIX.length()));
			}
		}
		return scopes;
	}

	/**
	 * @return whether no tool has scopes of its own, so that no body needs to be read
	 */
	public boolean isEmpty() {
		return this.toolScopes.isEmpty();
	}

	/**
	 * Whether a request that may carry a JSON-RPC message needs its body inspected: every method but the read-only
	 * ones, whatever path spelling the security chain admitted it under, when tools have scopes of their own or the
	 * request mirrors its body in {@linkplain RequestMetadataHeaders request metadata headers}.
	 * @param method the HTTP method
	 * @param headers the request metadata headers of the request
	 * @return whether to read the body and call {@link #decide}
	 */
	public boolean inspects(String method, RequestMetadataHeaders headers) {
		return (!isEmpty() || headers.needBody()) && !"GET".equals(method) && !"HEAD".equals(method)
				&& !"OPTIONS".equals(method);
	}

	/**
	 * Decide on a body.
	 * @param body the body, or {@code null} when it is larger than {@link #MAX_BODY_BYTES}
	 * @param contentType the request's {@code Content-Type}, or {@code null}
	 * @param characterEncoding the encoding the web stack will decode the body with, when it has its own setting
	 * (a servlet request's character encoding), or {@code null}
	 * @param headers the request metadata headers of the request, checked against the body
	 * @param granted the scopes of the caller's token
	 * @return the decision
	 */
	public Decision decide(byte[] body, String contentType, String characterEncoding, RequestMetadataHeaders headers,
			Set<String> granted) {
		if (body == null) {
			return unlessScopeIsLacking(Decision.TOO_LARGE, granted);
		}
		if (!isUtf8(characterEncoding) || !isUtf8(charsetOf(contentType))) {
			return unlessScopeIsLacking(Decision.UNSUPPORTED_CHARSET, granted);
		}
		if (body.length == 0) {
			return headers.needBody() ? unlessScopeIsLacking(Decision.headerMismatch(null,
					"request metadata headers on an empty body"), granted) : decideWithoutBody(granted);
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
			String disagreement = headers.disagreement(message);
			if (disagreement != null) {
				return unlessScopeIsLacking(Decision.headerMismatch(message, disagreement), granted);
			}
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
			JsonNode params = params(call);
			String tool = (params != null) ? scalar(member(params, "name")) : null;
			Set<String> scopes = (tool != null) ? this.toolScopes.get(fold(tool)) : null;
			if (scopes != null) {
				needed.addAll(scopes);
			}
		}
		return new ArrayList<>(needed);
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
	 * @param errorBody for {@link Outcome#HEADER_MISMATCH}, the JSON-RPC error response to send, else {@code null}
	 */
	public record Decision(Outcome outcome, List<String> missingScopes, String errorBody) {

		static final Decision ALLOWED = new Decision(Outcome.ALLOWED, List.of(), null);

		static final Decision TOO_LARGE = new Decision(Outcome.TOO_LARGE, List.of(), null);

		static final Decision UNSUPPORTED_CHARSET = new Decision(Outcome.UNSUPPORTED_CHARSET, List.of(), null);

		static final Decision MALFORMED = new Decision(Outcome.MALFORMED, List.of(), null);

		static Decision insufficientScope(List<String> missingScopes) {
			return new Decision(Outcome.INSUFFICIENT_SCOPE, List.copyOf(missingScopes), null);
		}

		/**
		 * A {@code HeaderMismatch} error response, answering the message's {@code id} when it has a usable one.
		 */
		static Decision headerMismatch(JsonNode message, String disagreement) {
			ObjectNode response = JsonNodeFactory.instance.objectNode();
			response.put("jsonrpc", "2.0");
			JsonNode id = (message != null && message.isObject()) ? message.get("id") : null;
			if (id != null && (id.isString() || id.isIntegralNumber())) {
				response.set("id", id);
			}
			else {
				response.putNull("id");
			}
			ObjectNode error = response.putObject("error");
			error.put("code", RequestMetadataHeaders.HEADER_MISMATCH);
			error.put("message", "Header mismatch: " + disagreement);
			return new Decision(Outcome.HEADER_MISMATCH, List.of(), response.toString());
		}

	}

	/** The kinds of answer, each with its status. */
	public enum Outcome {

		/** Hand the body on to the MCP server. */
		ALLOWED(HttpStatus.OK),

		/**
		 * 403 {@code insufficient_scope}, naming {@link Decision#missingScopes()}: answered by the chain's
		 * access-denied handler, through an {@link dev.mcpoauth.server.challenge.InsufficientScopeException}.
		 */
		INSUFFICIENT_SCOPE(HttpStatus.FORBIDDEN),

		/** 413: larger than {@link #MAX_BODY_BYTES}. */
		TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),

		/** 415: a charset other than UTF-8. */
		UNSUPPORTED_CHARSET(HttpStatus.UNSUPPORTED_MEDIA_TYPE),

		/** 400: not a single JSON value, or duplicate keys. */
		MALFORMED(HttpStatus.BAD_REQUEST),

		/**
		 * 400 with the JSON-RPC error {@link Decision#errorBody()} ({@code HeaderMismatch}, as
		 * {@code application/json}): the request metadata headers disagree with the body.
		 */
		HEADER_MISMATCH(HttpStatus.BAD_REQUEST);

		private final HttpStatus status;

		Outcome(HttpStatus status) {
			this.status = status;
		}

		/**
		 * @return the status of the answer to a request refused this way
		 */
		public HttpStatus status() {
			return this.status;
		}

	}

}
