package dev.mcpoauth.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * The token of one registration for one principal (the client itself, or one user): reused until shortly before it
 * expires; when it must be renewed, one request is made and concurrent callers wait for it. The scopes to request
 * only grow (step-up).
 */
final class TokenSlot {

	private final Duration expiryMargin;

	private final Clock clock;

	private volatile Held current;

	private Set<String> scopes;

	TokenSlot(Duration expiryMargin, Clock clock) {
		this.expiryMargin = expiryMargin;
		this.clock = clock;
	}

	/**
	 * The cached token, or a new one.
	 * @param initialScopes the scopes to request when none were chosen yet (asked only then)
	 * @param request requests a token for a set of scopes
	 * @return the token value
	 */
	String token(Supplier<Set<String>> initialScopes, Function<Set<String>, OAuth2AccessTokenResponse> request) {
		Held held = this.current;
		if (held != null && held.usableAt(this.clock.instant())) {
			return held.value;
		}
		synchronized (this) {
			held = this.current;
			if (held != null && held.usableAt(this.clock.instant())) {
				return held.value;
			}
			if (this.scopes == null) {
				this.scopes = new LinkedHashSet<>(initialScopes.get());
			}
			OAuth2AccessToken token = request.apply(Collections.unmodifiableSet(new LinkedHashSet<>(this.scopes)))
				.getAccessToken();
			this.current = held(token);
			return this.current.value;
		}
	}

	/**
	 * The held token, without waiting for a renewal in progress.
	 * @return the token value while it is usable, else {@code null}
	 */
	String cached() {
		Held held = this.current;
		return (held != null && held.usableAt(this.clock.instant())) ? held.value : null;
	}

	/**
	 * Drop the token if it is the one that was refused.
	 * @param refused the token the server refused, or {@code null}
	 */
	synchronized void invalidate(String refused) {
		if (this.current != null && (refused == null || this.current.value.equals(refused))) {
			this.current = null;
		}
	}

	/**
	 * Widen the scopes to request; before the first request, a challenge's scopes become the scopes to request.
	 * @param more scopes a challenge asked for, possibly none (then nothing changes)
	 * @return whether the set grew
	 */
	synchronized boolean widen(Set<String> more) {
		if (more.isEmpty()) {
			return false;
		}
		if (this.scopes == null) {
			this.scopes = new LinkedHashSet<>(more);
			return true;
		}
		return this.scopes.addAll(more);
	}

	/**
	 * The token with the moment it stops being used: the expiry less the margin, or less half the lifetime when
	 * that is shorter. Spring Security sets the expiry of a response without {@code expires_in} to one second after
	 * issue; such a token has no known expiry and is reused until a server refuses it.
	 */
	private Held held(OAuth2AccessToken token) {
		Instant issued = token.getIssuedAt();
		Instant expires = token.getExpiresAt();
		if (issued == null || expires == null || !expires.isAfter(issued.plusSeconds(1))) {
			return new Held(token.getTokenValue(), null);
		}
		Duration halfLife = Duration.between(issued, expires).dividedBy(2);
		Duration margin = (halfLife.compareTo(this.expiryMargin) < 0) ? halfLife : this.expiryMargin;
		return new Held(token.getTokenValue(), expires.minus(margin));
	}

	private record Held(String value, Instant renewAt) {

		boolean usableAt(Instant now) {
			return this.renewAt == null || now.isBefore(this.renewAt);
		}

		@Override
		public String toString() {
			return "Held[renewAt=" + this.renewAt + "]";
		}

	}

}
