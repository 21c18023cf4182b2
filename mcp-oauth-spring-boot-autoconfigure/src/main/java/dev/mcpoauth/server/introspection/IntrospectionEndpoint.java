package dev.mcpoauth.server.introspection;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;
import dev.mcpoauth.discovery.HttpsPolicy;

import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;

/**
 * Where tokens are introspected: a configured URL, or the {@code introspection_endpoint} of the issuer's metadata
 * (RFC 8414, then OpenID Connect discovery; the metadata's {@code issuer} must be the configured one), learned on
 * first use and never at start-up, so that the application starts while the authorization server is down. Discovery
 * runs once at a time in the background: a caller waits for it no longer than it is told, and after a failure it is
 * tried again only once the retry interval has passed (callers in between fail at once). A discovered endpoint must
 * use https, unless it and the issuer are both plain http on loopback or plain http is allowed
 * ({@link HttpsPolicy#permitsLearned}).
 */
public abstract class IntrospectionEndpoint {

	private IntrospectionEndpoint() {
	}

	/**
	 * A configured endpoint.
	 * @param uri the endpoint URL, already checked against the https policy
	 * @return the endpoint
	 */
	public static IntrospectionEndpoint of(URI uri) {
		return new Fixed(uri);
	}

	/**
	 * An endpoint discovered from the issuer's metadata on first use.
	 * @param issuer the issuer identifier
	 * @param discovery fetches the metadata (with its own timeouts and size limit)
	 * @param https the plain-http policy
	 * @param retryInterval least time between two discovery attempts after a failure
	 * @param clock the clock
	 * @return the endpoint
	 */
	public static IntrospectionEndpoint discovered(URI issuer, AuthorizationServerMetadataDiscovery discovery,
			HttpsPolicy https, Duration retryInterval, Clock clock) {
		return new Discovered(issuer, discovery, https, retryInterval, clock);
	}

	/**
	 * The endpoint URL.
	 * @param maxWait the longest wait for discovery
	 * @return the URL
	 * @throws OAuth2IntrospectionException when it is not known (yet), with a message that says why
	 */
	abstract URI resolve(Duration maxWait);

	private static final class Fixed extends IntrospectionEndpoint {

		private final URI uri;

		Fixed(URI uri) {
			this.uri = uri;
		}

		@Override
		URI resolve(Duration maxWait) {
			return this.uri;
		}

		@Override
		public String toString() {
			return this.uri.toString();
		}

	}

	private static final class Discovered extends IntrospectionEndpoint {

		/** Each attempt runs on its own daemon thread: attempts are rare, and none outlives the application. */
		private static final Executor BACKGROUND = (task) -> {
			Thread thread = new Thread(task, "mcp-oauth-introspection-discovery");
			thread.setDaemon(true);
			thread.start();
		};

		private final URI issuer;

		private final AuthorizationServerMetadataDiscovery discovery;

		private final HttpsPolicy https;

		private final Duration retryInterval;

		private final Clock clock;

		private volatile URI uri;

		private CompletableFuture<URI> attempt;

		private Instant nextAttempt = Instant.MIN;

		private String lastFailure;

		Discovered(URI issuer, AuthorizationServerMetadataDiscovery discovery, HttpsPolicy https,
				Duration retryInterval, Clock clock) {
			this.issuer = issuer;
			this.discovery = discovery;
			this.https = https;
			this.retryInterval = retryInterval;
			this.clock = clock;
		}

		@Override
		URI resolve(Duration maxWait) {
			URI known = this.uri;
			if (known != null) {
				return known;
			}
			CompletableFuture<URI> running = start();
			try {
				return running.get(Math.max(1, maxWait.toMillis()), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				throw new OAuth2IntrospectionException("The introspection endpoint of " + this.issuer
						+ " is not known yet: its metadata did not arrive within " + maxWait.toMillis() + " ms");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new OAuth2IntrospectionException("Interrupted while discovering the introspection endpoint");
			}
			catch (ExecutionException ex) {
				throw new OAuth2IntrospectionException(ex.getCause().getMessage());
			}
		}

		private synchronized CompletableFuture<URI> start() {
			if (this.uri != null) {
				return CompletableFuture.completedFuture(this.uri);
			}
			if (this.attempt == null) {
				if (this.clock.instant().isBefore(this.nextAttempt)) {
					throw new OAuth2IntrospectionException("Discovering the introspection endpoint of " + this.issuer
							+ " failed recently, retrying after " + this.nextAttempt + ": " + this.lastFailure);
				}
				this.attempt = CompletableFuture.supplyAsync(this::discover, BACKGROUND);
			}
			return this.attempt;
		}

		private URI discover() {
			try {
				Object endpoint = this.discovery.discover(this.issuer).get("introspection_endpoint");
				URI uri = (endpoint instanceof String value) ? URI.create(value) : null;
				if (uri == null || !uri.isAbsolute() || uri.getHost() == null) {
					throw new IllegalStateException(
							"The metadata of " + this.issuer + " names no absolute introspection_endpoint");
				}
				if (!this.https.permitsLearned(uri, this.issuer)) {
					throw new IllegalStateException("The introspection endpoint " + uri + " of " + this.issuer
							+ " must use https (or set mcp.oauth.server.allow-insecure-http=true)");
				}
				synchronized (this) {
					this.uri = uri;
					this.attempt = null;
				}
				return uri;
			}
			catch (RuntimeException ex) {
				synchronized (this) {
					this.lastFailure = ex.getMessage();
					this.nextAttempt = this.clock.instant().plus(this.retryInterval);
					this.attempt = null;
				}
				throw ex;
			}
		}

		@Override
		public String toString() {
			return "the introspection_endpoint of " + this.issuer;
		}

	}

}
