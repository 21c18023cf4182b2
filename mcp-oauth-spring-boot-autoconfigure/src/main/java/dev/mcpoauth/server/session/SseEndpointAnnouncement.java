package dev.mcpoauth.server.session;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Finds the session that the SSE transport of MCP 2024-11-05 announces: the first event of its stream is
 * {@code endpoint}, whose data is the message URL with the session in its {@code sessionId} query parameter. Fed
 * the stream's characters as they are written, it answers the session at the moment the first event is complete,
 * that is before the write that ends it reaches the client, and reads nothing after the first event (nor more than
 * {@link #MAX_EVENT_CHARS} characters). Knows nothing of the web stack.
 */
final class SseEndpointAnnouncement {

	/** The session parameter of the SSE transport's message URL. */
	static final String SESSION_PARAMETER = "sessionId";

	static final int MAX_EVENT_CHARS = 4096;

	private final StringBuilder event = new StringBuilder();

	private boolean done;

	/**
	 * Read more of the stream.
	 * @param chunk the characters about to be written
	 * @return the announced session once the first event is complete and is an {@code endpoint} event naming one
	 * session, else {@code null}
	 */
	String accept(CharSequence chunk) {
		if (this.done) {
			return null;
		}
		this.event.append(chunk, 0, Math.min(chunk.length(), MAX_EVENT_CHARS - this.event.length()));
		String lines = this.event.toString().replace("\r\n", "\n").replace('\r', '\n');
		int end = lines.indexOf("\n\n");
		if (end < 0) {
			this.done = this.event.length() >= MAX_EVENT_CHARS;
			return null;
		}
		this.done = true;
		return session(lines.substring(0, end));
	}

	private static String session(String event) {
		String type = "message";
		StringBuilder data = null;
		for (String line : event.split("\n")) {
			if (field(line, "event") != null) {
				type = field(line, "event");
			}
			else if (field(line, "data") != null) {
				data = (data == null) ? new StringBuilder() : data.append('\n');
				data.append(field(line, "data"));
			}
		}
		if (!"endpoint".equals(type) || data == null) {
			return null;
		}
		try {
			List<String> sessions = UriComponentsBuilder.fromUriString(data.toString().trim())
				.build()
				.getQueryParams()
				.get(SESSION_PARAMETER);
			return (sessions != null && sessions.size() == 1 && sessions.get(0) != null)
					? UriUtils.decode(sessions.get(0), StandardCharsets.UTF_8) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** The value of an SSE field line ({@code name:value}, one leading space dropped), or {@code null}. */
	private static String field(String line, String name) {
		if (!line.startsWith(name + ":")) {
			return null;
		}
		String value = line.substring(name.length() + 1);
		return value.startsWith(" ") ? value.substring(1) : value;
	}

}
