package dev.mcpoauth.server.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mcpoauth.Digests;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * Binds each MCP session (the {@code Mcp-Session-Id} of the 2025-11-25 streamable HTTP transport) to the token
 * subject that created it, so that a session identifier, once leaked, is worth nothing with another subject's token
 * (MCP security best practices, "session hijacking"). A request naming a session is let through only when the
 * session was created here under the same subject; an unknown session is refused as well, since it cannot be
 * vouched for. The table is bounded: when it is full, the least recently used session is forgotten, and its client
 * starts a new session after a 404 as the transport specification orders. Knows nothing of the web stack: the
 * servlet filter and the reactive web filter bind what the transport assigns, and ask {@link #admits} and
 * {@link #answered} here.
 */
public final class McpSessionBindings {

	/** The header that carries the session of the streamable HTTP transport. */
	public static final String SESSION_HEADER = "Mcp-Session-Id";

	/** How many sessions are remembered. */
	static final int MAX_SESSIONS = 50_000;

	private final Map<String, String> subjects;

	/**
	 * Bindings with the default bound.
	 */
	public McpSessionBindings() {
		this(MAX_SESSIONS);
	}

	McpSessionBindings(int maxSessions) {
		this.subjects = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
				return size() > maxSessions;
			}

		};
	}

	/**
	 * The subject of a validated token: its issuer and subject, so that equal {@code sub} values of two issuers stay
	 * apart (the issuer is length-prefixed, so no pair of values can spell another pair). A token without {@code sub}
	 * names no subject that another token could share: it stands for itself (the SHA-256 digest of its value), and
	 * its sessions serve that token only.
	 * @param claims the claims of the validated token
	 * @param tokenValue the token itself
	 * @return the subject key
	 */
	public static String subjectOf(Map<String, Object> claims, String tokenValue) {
		Object subject = claims.get("sub");
		if (subject == null || subject.toString().isEmpty()) {
			return "token-value " + Digests.sha256(tokenValue);
		}
		String issuer = String.valueOf(claims.get("iss"));
		return "token " + issuer.length() + ":" + issuer + subject;
	}

	/**
	 * The subject of an authenticated request.
	 * @param authentication the caller, or {@code null}
	 * @return {@link #subjectOf(Map, String)} of its token, its name when it is authenticated otherwise, else
	 * {@code null}
	 */
	public static String subjectOf(Authentication authentication) {
		if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
			return subjectOf(token.getTokenAttributes(), token.getToken().getTokenValue());
		}
		return (authentication != null && authentication.isAuthenticated()) ? "name " + authentication.getName()
				: null;
	}

	/**
	 * Whether a request that names sessions may reach the transport: it names exactly one, created here under its
	 * subject. Otherwise it is answered 404, as for an unknown session.
	 * @param sessions every session the request names (the header and the parameter the transports read)
	 * @param subject the request's subject, or {@code null}
	 * @return whether to let it through
	 */
	public boolean admits(List<String> sessions, String subject) {
		return subject != null && sessions.size() == 1 && permits(sessions.get(0), subject);
	}

	/**
	 * Forget a session the transport has ended: deleted ({@code DELETE} answered 2xx), or unknown to it (404).
	 * @param sessionId the session the request named
	 * @param method the request's method
	 * @param status the status of the answer
	 */
	public void answered(String sessionId, String method, int status) {
		if (status == 404 || (HttpMethod.DELETE.matches(method) && status >= 200 && status < 300)) {
			unbind(sessionId);
		}
	}

	/**
	 * Record that a session was created for a subject. A session already bound keeps its subject: a binding is
	 * made once, when the transport assigns the session, and never moved.
	 * @param sessionId the session the MCP transport assigned
	 * @param subject the subject of the request that created it
	 */
	public synchronized void bind(String sessionId, String subject) {
		this.subjects.putIfAbsent(sessionId, subject);
	}

	/**
	 * Whether a request of a subject may use a session.
	 * @param sessionId the session the request names
	 * @param subject the subject of the request's token
	 * @return {@code true} only for a session created here under the same subject
	 */
	public synchronized boolean permits(String sessionId, String subject) {
		return subject.equals(this.subjects.get(sessionId));
	}

	/**
	 * Forget a session that ended.
	 * @param sessionId the session
	 */
	public synchronized void unbind(String sessionId) {
		this.subjects.remove(sessionId);
	}

}
