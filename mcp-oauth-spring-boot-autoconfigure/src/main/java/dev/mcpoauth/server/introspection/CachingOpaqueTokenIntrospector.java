package dev.mcpoauth.server.introspection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.mcpoauth.CacheStatistics;
import dev.mcpoauth.Digests;
import dev.mcpoauth.ExpiringCache;

import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * A bounded cache of accepted introspection answers in front of an {@link OpaqueTokenIntrospector}: a token seen
 * before is answered without asking the authorization server again, until the earlier of its {@code exp} and the
 * time to live, so that a revoked token is refused again at the latest one time to live after its revocation.
 * Entries are keyed by the SHA-256 digest of the token (the token itself is never kept as a key); only answers the
 * delegate accepted are held: refusals and failures are asked again every time. The audience check still runs on
 * every request, after the introspector.
 */
public final class CachingOpaqueTokenIntrospector implements OpaqueTokenIntrospector {

	private final OpaqueTokenIntrospector delegate;

	private final Duration timeToLive;

	private final Clock clock;

	private final ExpiringCache<OAuth2AuthenticatedPrincipal> entries;

	/**
	 * @param delegate the introspector whose accepted answers are cached
	 * @param timeToLive the longest time an answer is used
	 * @param maxSize the most answers held
	 * @param clock the clock
	 */
	public CachingOpaqueTokenIntrospector(OpaqueTokenIntrospector delegate, Duration timeToLive, int maxSize,
			Clock clock) {
		this.delegate = delegate;
		this.timeToLive = timeToLive;
		this.clock = clock;
		this.entries = new ExpiringCache<>(maxSize);
	}

	@Override
	public OAuth2AuthenticatedPrincipal introspect(String token) {
		String key = Digests.sha256(token);
		OAuth2AuthenticatedPrincipal cached = this.entries.get(key, this.clock.instant());
		if (cached != null) {
			return cached;
		}
		OAuth2AuthenticatedPrincipal principal = this.delegate.introspect(token);
		Instant now = this.clock.instant();
		Instant end = now.plus(this.timeToLive);
		if (principal.getAttribute("exp") instanceof Instant expiresAt && expiresAt.isBefore(end)) {
			end = expiresAt;
		}
		this.entries.put(key, principal, end, now);
		return principal;
	}

	/**
	 * @return the counts of the cache (a hit is an answer given without asking the authorization server)
	 */
	public CacheStatistics statistics() {
		return this.entries.statistics();
	}

	int size() {
		return this.entries.size();
	}

}
