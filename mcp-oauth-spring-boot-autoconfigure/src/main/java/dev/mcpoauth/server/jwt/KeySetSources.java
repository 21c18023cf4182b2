package dev.mcpoauth.server.jwt;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.mcpoauth.observation.McpOAuthObservations;

/**
 * The remote JWK Sets of the access-token decoder: every network fetch of each is observed
 * ({@value McpOAuthObservations#JWKS_FETCHES}) and its outcome kept, so that a health check reads the last known
 * state and fetches itself only when that state is older than it accepts. A JWK Set found through the issuer's
 * metadata joins when it is discovered, on first use.
 */
public final class KeySetSources {

	private final ObservationRegistry observationRegistry;

	private final Clock clock;

	private final List<KeySet> keySets = new CopyOnWriteArrayList<>();

	/**
	 * @param observationRegistry observes the fetches
	 * @param clock the clock of the fetch times
	 */
	public KeySetSources(ObservationRegistry observationRegistry, Clock clock) {
		this.observationRegistry = observationRegistry;
		this.clock = clock;
	}

	/** @return key sets whose fetches are neither observed nor watched by anything */
	static KeySetSources unobserved() {
		return new KeySetSources(ObservationRegistry.NOOP, Clock.systemUTC());
	}

	/**
	 * Observe the fetches of a JWK Set.
	 * @param jwkSetUri where it is fetched
	 * @param remote fetches it
	 * @return the observed source
	 */
	JWKSetSource<SecurityContext> observe(URI jwkSetUri, JWKSetSource<SecurityContext> remote) {
		KeySet keySet = new KeySet(jwkSetUri, remote);
		this.keySets.add(keySet);
		return keySet;
	}

	/** @return the key sets known so far, in the order they became known */
	public List<KeySet> keySets() {
		return List.copyOf(this.keySets);
	}

	/**
	 * The outcome of a fetch.
	 * @param at when it ended
	 * @param success whether a JWK Set was read
	 * @param keys how many keys it held
	 * @param failure what went wrong, or {@code null}
	 */
	public record Fetch(Instant at, boolean success, int keys, String failure) {
	}

	/** One remote JWK Set, fetched through the decoder's cache and cool-down, or by a health check. */
	public final class KeySet implements JWKSetSource<SecurityContext> {

		private final URI uri;

		private final JWKSetSource<SecurityContext> remote;

		private volatile Fetch last;

		KeySet(URI uri, JWKSetSource<SecurityContext> remote) {
			this.uri = uri;
			this.remote = remote;
		}

		/** @return where the JWK Set is fetched (a public document) */
		public URI uri() {
			return this.uri;
		}

		/** @return the outcome of the last fetch, or {@code null} before the first */
		public Fetch lastFetch() {
			return this.last;
		}

		/**
		 * The outcome of the last fetch when it is recent enough; else fetch now (within the decoder's timeouts).
		 * So whoever calls this often causes at most one request per {@code maxAge}, and none while the decoder
		 * fetches on its own.
		 * @param maxAge the oldest outcome accepted
		 * @return the outcome
		 */
		public synchronized Fetch recentFetch(Duration maxAge) {
			Fetch fetch = this.last;
			if (fetch != null && fetch.at().plus(maxAge).isAfter(KeySetSources.this.clock.instant())) {
				return fetch;
			}
			try {
				getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), KeySetSources.this.clock.millis(), null);
			}
			catch (KeySourceException | RuntimeException ex) {
				// the outcome is recorded in last
			}
			return this.last;
		}

		@Override
		public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
				SecurityContext context) throws KeySourceException {
			Observation observation = Observation
				.createNotStarted(McpOAuthObservations.JWKS_FETCHES, KeySetSources.this.observationRegistry)
				.start();
			try (Observation.Scope scope = observation.openScope()) {
				JWKSet set = this.remote.getJWKSet(refreshEvaluator, currentTime, context);
				this.last = new Fetch(KeySetSources.this.clock.instant(), true, set.getKeys().size(), null);
				observation.lowCardinalityKeyValue(McpOAuthObservations.OUTCOME, "success");
				return set;
			}
			catch (KeySourceException | RuntimeException ex) {
				this.last = new Fetch(KeySetSources.this.clock.instant(), false, 0,
						ex.getClass().getSimpleName() + ": " + ex.getMessage());
				observation.lowCardinalityKeyValue(McpOAuthObservations.OUTCOME, "failure").error(ex);
				throw ex;
			}
			finally {
				observation.stop();
			}
		}

		@Override
		public void close() throws IOException {
			this.remote.close();
		}

		@Override
		public String toString() {
			return "KeySet[" + this.uri + "]";
		}

	}

}
