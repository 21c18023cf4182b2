package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;

/**
 * A key source that learns the {@code jwks_uri} from the issuer's metadata on first use, so that start-up never
 * waits for, or depends on, the identity provider. Discovery is single-flight; after a failed attempt further
 * attempts wait for a retry interval, and the callers in between fail fast.
 */
public final class IssuerDiscoveryJwkSource implements JWKSource<SecurityContext> {

	private final URI issuer;

	private final AuthorizationServerMetadataDiscovery discovery;

	private final Function<URI, JWKSource<SecurityContext>> jwkSetSourceFactory;

	private final Duration retryInterval;

	private final Clock clock;

	private volatile JWKSource<SecurityContext> delegate;

	private Instant nextAttempt = Instant.MIN;

	private String lastFailure;

	/**
	 * @param issuer the issuer identifier
	 * @param discovery metadata discovery
	 * @param jwkSetSourceFactory builds the cached source for the discovered {@code jwks_uri}
	 * @param retryInterval least time between two discovery attempts after a failure
	 * @param clock the clock
	 */
	public IssuerDiscoveryJwkSource(URI issuer, AuthorizationServerMetadataDiscovery discovery,
			Function<URI, JWKSource<SecurityContext>> jwkSetSourceFactory, Duration retryInterval, Clock clock) {
		this.issuer = issuer;
		this.discovery = discovery;
		this.jwkSetSourceFactory = jwkSetSourceFactory;
		this.retryInterval = retryInterval;
		this.clock = clock;
	}

	@Override
	public List<JWK> get(JWKSelector jwkSelector, SecurityContext context) throws KeySourceException {
		JWKSource<SecurityContext> source = this.delegate;
		if (source == null) {
			source = discover();
		}
		return source.get(jwkSelector, context);
	}

	private synchronized JWKSource<SecurityContext> discover() throws KeySourceException {
		if (this.delegate != null) {
			return this.delegate;
		}
		Instant now = this.clock.instant();
		if (now.isBefore(this.nextAttempt)) {
			throw new KeySourceException("Issuer discovery failed recently, retrying after " + this.nextAttempt
					+ ": " + this.lastFailure);
		}
		try {
			Object jwksUri = this.discovery.discover(this.issuer).get("jwks_uri");
			if (!(jwksUri instanceof String uri)) {
				throw new AuthorizationServerMetadataDiscovery.DiscoveryException(
						"The metadata of " + this.issuer + " has no jwks_uri");
			}
			this.delegate = this.jwkSetSourceFactory.apply(URI.create(uri));
			return this.delegate;
		}
		catch (RuntimeException ex) {
			this.lastFailure = ex.getMessage();
			this.nextAttempt = now.plus(this.retryInterval);
			throw new KeySourceException("Issuer discovery failed: " + ex.getMessage(), ex);
		}
	}

}
