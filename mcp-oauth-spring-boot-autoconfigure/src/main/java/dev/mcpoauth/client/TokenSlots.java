package dev.mcpoauth.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import dev.mcpoauth.CacheStatistics;
import dev.mcpoauth.Digests;

/**
 * The {@link TokenSlot}s of one registration: one for the client, or one per user for cross-app access, keyed by the
 * SHA-256 digest of the user's whole ID token (never by claims read from it unverified, which a forged token could
 * copy). At most {@link #MAX_SLOTS}, the least recently used dropped first; slots whose token has expired are
 * dropped whenever a new one is made, and a slot left without a usable token after a failed request is not kept.
 */
final class TokenSlots {

	/** The most slots kept per registration. */
	static final int MAX_SLOTS = 10_000;

	private final String registration;

	private final Duration expiryMargin;

	private final Clock clock;

	private final CacheStatistics statistics = new CacheStatistics(this::size);

	private final Map<String, TokenSlot> slots = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, TokenSlot> eldest) {
			boolean full = size() > MAX_SLOTS;
			if (full) {
				TokenSlots.this.statistics.evicted(1);
			}
			return full;
		}

	};

	TokenSlots(String registration, Duration expiryMargin, Clock clock) {
		this.registration = registration;
		this.expiryMargin = expiryMargin;
		this.clock = clock;
	}

	/**
	 * Use the slot of a principal; a slot left without a token afterwards is dropped.
	 * @param <T> the result type
	 * @param idToken the user's ID token, or {@code null} for the client's own slot
	 * @param use what to do with the slot
	 * @return its result
	 */
	<T> T with(String idToken, Function<TokenSlot, T> use) {
		String key = key(idToken);
		TokenSlot slot;
		synchronized (this.slots) {
			slot = this.slots.get(key);
			if (slot == null) {
				Instant now = this.clock.instant();
				this.slots.values().removeIf((other) -> other.hasExpiredAt(now));
				slot = new TokenSlot(this.registration, this.expiryMargin, this.clock, this.statistics);
				this.slots.put(key, slot);
			}
		}
		try {
			return use.apply(slot);
		}
		finally {
			if (slot.isSpentAt(this.clock.instant())) {
				synchronized (this.slots) {
					this.slots.remove(key, slot);
				}
			}
		}
	}

	/**
	 * The usable token of a principal's slot, without making a slot, requesting a token or waiting for one.
	 * @param idToken the user's ID token, or {@code null} for the client's own slot
	 * @return the token value, or {@code null}
	 */
	String cached(String idToken) {
		TokenSlot slot;
		synchronized (this.slots) {
			slot = this.slots.get(key(idToken));
		}
		return (slot != null) ? slot.cached() : null;
	}

	/**
	 * A refused token is presented again by a nonce replay: that presentation is no hand-out
	 * ({@link TokenSlot#replaying}).
	 * @param idToken the user's ID token, or {@code null} for the client's own slot
	 * @param token the refused token
	 */
	void replaying(String idToken, String token) {
		TokenSlot slot;
		synchronized (this.slots) {
			slot = this.slots.get(key(idToken));
		}
		if (slot != null) {
			slot.replaying(token);
		}
	}

	/**
	 * @return the counts of the slots' tokens: a hit is a token handed out from a slot, a miss a token request
	 */
	CacheStatistics statistics() {
		return this.statistics;
	}

	/** @return how many slots are kept */
	int size() {
		synchronized (this.slots) {
			return this.slots.size();
		}
	}

	private static String key(String idToken) {
		return (idToken != null) ? Digests.sha256(idToken) : "";
	}

}
