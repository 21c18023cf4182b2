package dev.mcpoauth.server.dpop;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;

/**
 * Server-provided DPoP nonces (RFC 9449 section 9): a random value (128 bits, base64url) handed out in the
 * {@code DPoP-Nonce} response header and replaced after its lifetime; a proof must carry the current nonce or the
 * one before it (so a client holding a nonce from just before a rotation is not refused). When nothing asked for a
 * nonce for two lifetimes, the previous one is dropped too. Nonces are public values: they limit how long a proof
 * made in advance can be used, they are no secret. Kept per instance: behind a load balancer without sticky
 * sessions, a client may be asked for a nonce again on another instance.
 */
public final class DPoPNonces {

	private static final int NONCE_BYTES = 16;

	private final Duration lifetime;

	private final InstantSource clock;

	private final SecureRandom random = new SecureRandom();

	private volatile State state;

	/**
	 * @param lifetime how long a nonce is handed out
	 * @param clock the clock
	 */
	public DPoPNonces(Duration lifetime, InstantSource clock) {
		if (lifetime.isNegative() || lifetime.isZero()) {
			throw new IllegalArgumentException("The nonce lifetime must be positive");
		}
		this.lifetime = lifetime;
		this.clock = clock;
		this.state = new State(newNonce(), null, clock.instant());
	}

	/**
	 * @return the nonce to hand out now
	 */
	public String current() {
		return fresh().current();
	}

	/**
	 * @param nonce the {@code nonce} claim of a proof, or {@code null}
	 * @return whether it is the current or the previous nonce
	 */
	public boolean isAccepted(String nonce) {
		State state = fresh();
		return nonce != null && (nonce.equals(state.current()) || nonce.equals(state.previous()));
	}

	private State fresh() {
		State state = this.state;
		Instant now = this.clock.instant();
		if (now.isBefore(state.rotatedAt().plus(this.lifetime))) {
			return state;
		}
		synchronized (this) {
			state = this.state;
			if (!now.isBefore(state.rotatedAt().plus(this.lifetime))) {
				boolean idle = !now.isBefore(state.rotatedAt().plus(this.lifetime.multipliedBy(2)));
				state = new State(newNonce(), idle ? null : state.current(), now);
				this.state = state;
			}
			return state;
		}
	}

	private String newNonce() {
		byte[] bytes = new byte[NONCE_BYTES];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private record State(String current, String previous, Instant rotatedAt) {
	}

}
