package dev.mcpoauth.server.jwt;

import java.time.Clock;
import java.time.Instant;

import dev.mcpoauth.CacheStatistics;
import dev.mcpoauth.ExpiringCache;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * An opt-in cache of validated tokens in front of a {@link JwtDecoder}: a token seen before, and not yet expired,
 * is answered without verifying its signature again. Entries are keyed by the whole compact token, so only the very
 * same bytes can hit (a token with another signature or payload is a different key); an entry is never served at
 * or after the token's {@code exp}; at most {@code maxSize} entries are held ({@link ExpiringCache}). Failures are
 * not cached. The audience check still runs on every request, after the decoder.
 */
public final class ValidatedTokenCache implements JwtDecoder {

	private final JwtDecoder delegate;

	private final Clock clock;

	private final ExpiringCache<Jwt> entries;

	/**
	 * @param delegate the validating decoder
	 * @param maxSize the most entries held
	 * @param clock the clock
	 */
	public ValidatedTokenCache(JwtDecoder delegate, int maxSize, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
		this.entries = new ExpiringCache<>(maxSize);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Instant now = this.clock.instant();
		Jwt cached = this.entries.get(token, now);
		if (cached != null) {
			return cached;
		}
		Jwt jwt = this.delegate.decode(token);
		if (jwt.getExpiresAt() != null) {
			this.entries.put(token, jwt, jwt.getExpiresAt(), now);
		}
		return jwt;
	}

	/**
	 * @return the counts of the cache (a hit is a token answered without verifying it again)
	 */
	public CacheStatistics statistics() {
		return this.entries.statistics();
	}

	int size() {
		return this.entries.size();
	}

}
