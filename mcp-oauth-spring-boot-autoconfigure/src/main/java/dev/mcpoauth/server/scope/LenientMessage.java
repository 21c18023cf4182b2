package dev.mcpoauth.server.scope;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Reads members of a JSON-RPC message as the most lenient JSON binding could read them, so that a decision made on
 * what is read here holds for whatever the MCP transport binds: keys are compared ignoring case (Jackson's
 * {@code ACCEPT_CASE_INSENSITIVE_PROPERTIES}, which an application may turn on for the mapper the MCP server uses),
 * numbers and booleans read as text, and a message that such a binding could read two ways (two keys differing only
 * in case, an array or object where a string belongs) is {@linkplain UnreadableMessageException unreadable}.
 */
final class LenientMessage {

	private LenientMessage() {
	}

	/**
	 * The member of an object, keys compared ignoring case.
	 * @param object a JSON object
	 * @param name the member's name
	 * @return the member, or {@code null}
	 * @throws UnreadableMessageException when two keys match
	 */
	static JsonNode member(JsonNode object, String name) {
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
	 * The text a reader binding a string would see: a string, or a number or boolean coerced to text.
	 * @param value a member, or {@code null}
	 * @return the text, or {@code null} for a missing or null member
	 * @throws UnreadableMessageException for an array or object (which {@code UNWRAP_SINGLE_VALUE_ARRAYS} could
	 * unwrap)
	 */
	static String scalar(JsonNode value) {
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isContainer()) {
			throw new UnreadableMessageException();
		}
		return value.asString();
	}

	/**
	 * The object member {@code params} of a message.
	 * @param message a JSON-RPC message object
	 * @return its params, or {@code null}
	 * @throws UnreadableMessageException when params is present but not an object (JSON {@code null} included)
	 */
	static JsonNode params(JsonNode message) {
		JsonNode params = member(message, "params");
		if (params != null && !params.isObject()) {
			throw new UnreadableMessageException();
		}
		return params;
	}

	/** A message that readers could understand differently. */
	static final class UnreadableMessageException extends RuntimeException {

		UnreadableMessageException() {
			super(null, null, false, false);
		}

	}

}
