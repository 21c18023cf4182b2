package dev.mcpoauth.server.jwt;

import java.io.IOException;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * Fetches the remote JWK Set at most once per cool-down, successful or not, whatever asks for it (Nimbus's
 * {@code RateLimitedJWKSetSource} allows two calls per interval). Calls are single-flight. Within the cool-down, or
 * when a fetch fails or returns garbage, the last good set is answered, so keys already known keep validating while
 * the endpoint is down; only when no set was ever fetched does a failure reach the caller. Sits under Nimbus's
 * cache, which decides when a refresh is wanted (TTL, refresh-ahead, unknown {@code kid}).
 */
final class CooldownJwkSetSource implements JWKSetSource<SecurityContext> {

	private final JWKSetSource<SecurityContext> remote;

	private final long cooldownMillis;

	private JWKSet last;

	private long lastAttempt;

	private boolean attempted;

	private String lastFailure;

	/**
	 * @param remote the HTTP source
	 * @param cooldownMillis least time between two fetches
	 */
	CooldownJwkSetSource(JWKSetSource<SecurityContext> remote, long cooldownMillis) {
		this.remote = remote;
		this.cooldownMillis = cooldownMillis;
	}

	@Override
	public synchronized JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
			SecurityContext context) throws KeySourceException {
		if (this.attempted && currentTime - this.lastAttempt < this.cooldownMillis) {
			return lastOr("The JWK Set was fetched less than the cool-down ago and failed: " + this.lastFailure);
		}
		this.attempted = true;
		this.lastAttempt = currentTime;
		try {
			this.last = this.remote.getJWKSet(refreshEvaluator, currentTime, context);
			this.lastFailure = null;
			return this.last;
		}
		catch (KeySourceException ex) {
			this.lastFailure = ex.getMessage();
			return lastOr(ex.getMessage());
		}
	}

	private JWKSet lastOr(String failure) throws KeySourceException {
		if (this.last == null) {
			throw new KeySourceException(failure);
		}
		return this.last;
	}

	@Override
	public void close() throws IOException {
		this.remote.close();
	}

}
