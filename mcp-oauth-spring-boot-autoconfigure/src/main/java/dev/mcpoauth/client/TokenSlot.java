package dev.mcpoauth.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.CacheStatistics;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The token of one registration for one principal (the client itself, or one user): reused until shortly before it
 * expires; when it must be renewed, one request is made and concurrent callers wait for it.
 * <p>
 * After the MCP server refuses a token ({@link #renew}), a wider scope set is only tried: it becomes the slot's scope
 * set, and the old token is dropped, once a token granting it arrives; when the authorization server refuses it,
 * the old token and scopes stay for the calls that need no more. A 401 for a token obtained after a refusal and
 * handed out only once since (to the replay of the call that was refused) gets no new token: the server refused a
 * fresh token, and another would not help. So a call replays at most once after a 401, and a server that always
 * answers 401 causes at most one token request per call.
 */
final class TokenSlot {

	private static final Log logger = LogFactory.getLog(TokenSlot.class);

	private final String registration;

	private final Duration expiryMargin;

	private final Clock clock;

	private final CacheStatistics statistics;

	private volatile Held current;

	/** The scopes of the last token received, or asked for by the authorization under way; {@code null} before. */
	private Set<String> scopes;

	/** Whether the user's browser was sent to authorize {@link #scopes}, and no token arrived since. */
	private volatile boolean awaitingAuthorization;

	TokenSlot(String registration, Duration expiryMargin, Clock clock, CacheStatistics statistics) {
		this.registration = registration;
		this.expiryMargin = expiryMargin;
		this.clock = clock;
		this.statistics = statistics;
	}

	/**
	 * The cached token, or a new one.
	 * @param initialScopes the scopes to request when none were chosen yet (asked only then)
	 * @param request requests a token for a set of scopes
	 * @return the token value
	 * @throws McpOAuthClientException when the token request fails
	 */
	String token(Supplier<Set<String>> initialScopes, Function<Set<String>, OAuth2AccessTokenResponse> request) {
		Held held = this.current;
		if (held != null && held.usableAt(this.clock.instant())) {
			this.statistics.hit();
			return held.handOut();
		}
		synchronized (this) {
			held = this.current;
			if (held != null && held.usableAt(this.clock.instant())) {
				this.statistics.hit();
				return held.handOut();
			}
			this.statistics.miss();
			return obtain(scopesOr(initialScopes), request, false, false).handOut();
		}
	}

	/**
	 * The held token, without waiting for a renewal in progress.
	 * @return the token value while it is usable, else {@code null}
	 */
	String cached() {
		Held held = this.current;
		return (held != null && held.usableAt(this.clock.instant())) ? held.handOut() : null;
	}

	/**
	 * A DPoP nonce replay presents the refused token again, with a new proof: the replay's hand-out is not counted,
	 * so that a replacement token handed out to the replay of the call it was obtained for stays untried
	 * ({@link Held#isUntriedReplacement()}) and a nonce challenge never buys a second token request in one call.
	 * @param token the token the nonce challenge refused
	 */
	void replaying(String token) {
		Held held = this.current;
		if (held != null && held.value.equals(token)) {
			held.handedOut.updateAndGet((count) -> Math.max(0, count - 1));
		}
	}

	/**
	 * The MCP server refused a token: get one that can succeed where it failed, unless that cannot help.
	 * @param refused the token the server refused, or {@code null} when the request carried none
	 * @param wanted the scopes the challenge asks for, possibly none
	 * @param unauthorized {@code true} after 401 (the refused token is invalid), {@code false} after 403 (it lacks
	 * scope, and stays in use until a wider one arrives)
	 * @param initialScopes the scopes to request when none were chosen yet
	 * @param request requests a token for a set of scopes
	 * @return whether a replay with {@link #token} can succeed
	 * @throws McpOAuthClientException when the token request fails, or a step-up's token does not grant the scopes
	 * asked for; the slot then keeps its scopes, and after a 403 its token
	 */
	synchronized boolean renew(String refused, Set<String> wanted, boolean unauthorized,
			Supplier<Set<String>> initialScopes, Function<Set<String>, OAuth2AccessTokenResponse> request) {
		Instant now = this.clock.instant();
		Set<String> requested = new LinkedHashSet<>(scopesOr(initialScopes));
		requested.addAll(wanted);
		Held held = this.current;
		if (held != null && held.usableAt(now)) {
			boolean covers = held.scopes.containsAll(requested);
			if (!held.value.equals(refused)) {
				if (covers) {
					return true;
				}
			}
			else if (unauthorized ? held.isUntriedReplacement() : covers) {
				return false;
			}
		}
		if (unauthorized && held != null && held.value.equals(refused)) {
			this.current = null;
		}
		obtain(requested, request, true, !unauthorized);
		return true;
	}

	/**
	 * @param now the time
	 * @return whether the slot holds no token that can still be used, and waits for no authorization in the user's
	 * browser (whose scopes it keeps)
	 */
	boolean isSpentAt(Instant now) {
		Held held = this.current;
		return (held == null || !held.usableAt(now)) && !this.awaitingAuthorization;
	}

	/**
	 * @param now the time
	 * @return whether the slot holds a token that can no longer be used (not one whose first request is under way)
	 */
	boolean hasExpiredAt(Instant now) {
		Held held = this.current;
		return held != null && !held.usableAt(now);
	}

	private Set<String> scopesOr(Supplier<Set<String>> initialScopes) {
		return (this.scopes != null) ? this.scopes : initialScopes.get();
	}

	private Held obtain(Set<String> requested, Function<Set<String>, OAuth2AccessTokenResponse> request,
			boolean afterRefusal, boolean stepUp) {
		Set<String> asked = Collections.unmodifiableSet(new LinkedHashSet<>(requested));
		OAuth2AccessToken token;
		try {
			token = request.apply(asked).getAccessToken();
		}
		catch (ClientAuthorizationRequiredException ex) {
			// The user's browser goes to the authorization server (the web front end of the authorization code
			// flow): the call after their return asks for these scopes again, not for the initial ones.
			this.scopes = asked;
			this.awaitingAuthorization = true;
			throw ex;
		}
		Set<String> granted = token.getScopes().isEmpty() ? asked : token.getScopes();
		if (stepUp && !granted.containsAll(asked)) {
			throw new McpOAuthClientException(this.registration, "invalid_scope",
					"The authorization server granted scope '" + String.join(" ", granted) + "' when asked for '"
							+ String.join(" ", asked) + "'",
					0);
		}
		this.scopes = asked;
		this.awaitingAuthorization = false;
		this.current = held(token, granted, afterRefusal);
		this.statistics.put();
		if (logger.isDebugEnabled() || stepUp) {
			String obtained = "MCP registration '" + this.registration + "': " + (stepUp ? "stepped up to" : "token for")
					+ " scopes " + granted + ((token.getExpiresAt() != null) ? ", expires " + token.getExpiresAt() : "")
					+ (afterRefusal ? ", after the MCP server refused the previous one" : "");
			if (stepUp) {
				logger.info(obtained);
			}
			else {
				logger.debug(obtained);
			}
		}
		return this.current;
	}

	/**
	 * The token with the moment it stops being used: the expiry less the margin, or less half the lifetime when
	 * that is shorter. Spring Security sets the expiry of a response without {@code expires_in} to one second after
	 * issue; such a token has no known expiry and is reused until a server refuses it.
	 */
	private Held held(OAuth2AccessToken token, Set<String> granted, boolean afterRefusal) {
		Instant issued = token.getIssuedAt();
		Instant expires = token.getExpiresAt();
		if (issued == null || expires == null || !expires.isAfter(issued.plusSeconds(1))) {
			return new Held(token.getTokenValue(), null, granted, afterRefusal, new AtomicInteger());
		}
		Duration halfLife = Duration.between(issued, expires).dividedBy(2);
		Duration margin = (halfLife.compareTo(this.expiryMargin) < 0) ? halfLife : this.expiryMargin;
		return new Held(token.getTokenValue(), expires.minus(margin), granted, afterRefusal, new AtomicInteger());
	}

	/**
	 * A token held: its value, when to renew it, the scopes it grants, whether it replaced a refused token, and how
	 * often it was handed out.
	 */
	private record Held(String value, Instant renewAt, Set<String> scopes, boolean afterRefusal,
			AtomicInteger handedOut) {

		boolean usableAt(Instant now) {
			return this.renewAt == null || now.isBefore(this.renewAt);
		}

		String handOut() {
			this.handedOut.incrementAndGet();
			return this.value;
		}

		/** A replacement for a refused token, handed out at most once: only to the replay of the refused call. */
		boolean isUntriedReplacement() {
			return this.afterRefusal && this.handedOut.get() <= 1;
		}

		@Override
		public String toString() {
			return "Held[renewAt=" + this.renewAt + ", scopes=" + this.scopes + "]";
		}

	}

}
