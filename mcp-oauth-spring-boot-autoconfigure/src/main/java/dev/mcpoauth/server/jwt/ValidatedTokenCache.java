package dev.mcpoauth.server.jwt;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * An opt-in cache of validated tokens in front of a {@link JwtDecoder}: a token seen before, and not yet expired,
 * is answered without verifying its signature again. Entries are keyed by the whole compact token, so only the very
 * same bytes can hit (a token with another signature or payload is a different key); an entry is never served at
 * or after the token's {@code exp}; at most {@code maxSize} entries are held (expired ones are dropped first, then
 * arbitrary ones). Failures are not cached. The audience check still runs on every request, after the decoder.
 */
public final class ValidatedTokenCache implements JwtDecoder {

	private final JwtDecoder delegate;

	private final int maxSize;

	private final Clock clock;

	private final Map<String, Jwt> entries = new ConcurrentHashMap<>();

	/**
	 * @param delegate the validating decoder
	 * @param maxSize the most entries held
	 * @param clock the clock
	 */
	public ValidatedTokenCache(JwtDecoder delegate, int maxSize, Clock clock) {
		this.delegate = delegate;
		this.maxSize = maxSize;
		this.clock = clock;
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Jwt cached = this.entries.get(token);
		Instant now = this.clock.instant();
		if (cached != null) {
			if (now.isBefore(cached.getExpiresAt())) {
				return cached;
			}
			this.entries.remove(token, cached);
		}
		Jwt jwt = this.delegate.decode(token);
		if (jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt())) {
			if (this.entries.size() >= this.maxSize) {
				evict(now);
			}
			this.entries.put(token, jwt);
		}
		return jwt;
	}

	/** Drop the expired entries; if that frees nothing, drop entries until there is room. */
	private void evict(Instant now) {
		this.entries.values().removeIf((jwt) -> !now.isBefore(jwt.getExpiresAt()));
		Iterator<String> keys = this.entries.keySet().iterator();
		while (this.entries.size() >= this.maxSize && keys.hasNext()) {
			keys.next();
			keys.remove();
		}
	}

	int size() {
		return this.entries.size();
	}

}
