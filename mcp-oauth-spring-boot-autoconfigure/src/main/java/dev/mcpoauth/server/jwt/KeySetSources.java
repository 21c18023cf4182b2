package dev.mcpoauth.server.jwt;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * state. When that state is older than the check accepts, one fetch is started in the background, on a thread of its
 * own: a health check never fetches on its own thread and never waits for a fetch. A JWK Set found through the
 * issuer's metadata joins when it is discovered, on first use.
 */
public final class KeySetSources {

	/**
	 * Runs the health checks' fetches, one at a time, on a daemon thread that ends when idle: never a thread that
	 * serves requests (on WebFlux, Boot runs a health indicator on the pool that checks tokens).
	 */
	private static final Executor REFRESHES = refreshes();

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

	private static Executor refreshes() {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "mcp-oauth-jwks-health-refresh");
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/**
	 * The outcome of a fetch.
	 * @param at when it ended
	 * @param success whether a JWK Set was read
	 * @param keys how many keys it held
	 * @param failure what went wrong (the exception's type, without its message, which may quote the URL), or
	 * {@code null}
	 */
	public record Fetch(Instant at, boolean success, int keys, String failure) {
	}

	/** One remote JWK Set, fetched through the decoder's cache and cool-down, or by a health check. */
	public final class KeySet implements JWKSetSource<SecurityContext> {

		private final URI uri;

		private final JWKSetSource<SecurityContext> remote;

		private final AtomicBoolean refreshing = new AtomicBoolean();

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
		 * The outcome of the last fetch, as it is; when it is older than {@code maxAge} (or there was none), one fetch
		 * is started in the background (within the decoder's timeouts) unless one is under way already. Never fetches
		 * on the caller's thread and never waits: a later call reports the new outcome. So whoever calls this often
		 * causes at most one fetch at a time and one per {@code maxAge}, and none while the decoder fetches on its
		 * own.
		 * @param maxAge the oldest outcome reported without starting a fetch
		 * @return the outcome of the last fetch, or {@code null} before the first
		 */
		public Fetch recentFetch(Duration maxAge) {
			Fetch fetch = this.last;
			if (fetch != null && fetch.at().plus(maxAge).isAfter(KeySetSources.this.clock.instant())) {
				return fetch;
			}
			if (this.refreshing.compareAndSet(false, true)) {
				try {
					REFRESHES.execute(this::refresh);
				}
				catch (RejectedExecutionException ex) {
					this.refreshing.set(false);
				}
			}
			return fetch;
		}

		private void refresh() {
			try {
				getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), KeySetSources.this.clock.millis(), null);
			}
			catch (KeySourceException | RuntimeException ex) {
				// the outcome is recorded in last
			}
			finally {
				this.refreshing.set(false);
			}
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
				this.last = new Fetch(KeySetSources.this.clock.instant(), false, 0, ex.getClass().getSimpleName());
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
