package dev.mcpoauth.server.jwt;

import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;

import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import dev.mcpoauth.discovery.HttpsPolicy;
import dev.mcpoauth.server.McpOAuthServerProperties;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the access-token {@link JwtDecoder} from {@link McpOAuthServerProperties}: Spring Security's
 * {@link NimbusJwtDecoder} as {@link AccessTokenJwtDecoder} runs it, over one key source, restricted to the configured algorithms, with
 * {@link AccessTokenValidators}; for several trusted issuers, one such decoder per issuer behind an
 * {@link IssuerSelectingJwtDecoder}; and, when enabled, the {@link ValidatedTokenCache} in front. Nothing is fetched here: remote keys and discovery are resolved on first use.
 * Expects properties already checked by {@code McpOAuthServerPropertiesValidator}.
 */
public final class AccessTokenDecoders {

	private static final int JWK_SET_SIZE_LIMIT = 512 * 1024;

	/** Keys are refreshed in the background this long (at most a quarter of the TTL) before they expire. */
	private static final long MAX_REFRESH_AHEAD_MILLIS = 30_000;

	private AccessTokenDecoders() {
	}

	/**
	 * Build the decoder.
	 * @param properties the server properties
	 * @param inProcessKeys the key source of an authorization server running in this application when it is the
	 * given issuer, else {@code null}
	 * @param keySets observes the fetches of the remote JWK Sets
	 * @return the decoder
	 */
	public static JwtDecoder create(McpOAuthServerProperties properties,
			Function<URI, JWKSource<SecurityContext>> inProcessKeys, KeySetSources keySets) {
		Set<JWSAlgorithm> algorithms = algorithms(properties);
		JwtDecoder decoder;
		if (properties.getIssuers().isEmpty()) {
			JWK staticKey = staticKey(properties);
			JWSKeySelector<SecurityContext> keySelector = (staticKey != null)
					? new StaticKeySelector(staticKey, algorithms) : new KidKeySelector(algorithms,
							keys(properties.getIssuerUri(), properties.getJwkSetUri(), properties, inProcessKeys,
									keySets));
			decoder = decoder(keySelector, trustedIssuers(properties), properties);
		}
		else {
			Map<String, JwtDecoder> decoders = new LinkedHashMap<>();
			properties.getIssuers().values().forEach((issuer) -> decoders.put(issuer.getIssuerUri().toString(),
					decoder(new KidKeySelector(algorithms,
							keys(issuer.getIssuerUri(), issuer.getJwkSetUri(), properties, inProcessKeys, keySets)),
							List.of(issuer.getIssuerUri()), properties)));
			decoder = new IssuerSelectingJwtDecoder(decoders);
		}
		McpOAuthServerProperties.TokenCache cache = properties.getTokenCache();
		return cache.isEnabled() ? new ValidatedTokenCache(decoder, cache.getMaxSize(), Clock.systemUTC()) : decoder;
	}

	/**
	 * Build the decoder, its JWK Set fetches unobserved.
	 * @param properties the server properties
	 * @param inProcessKeys the key source of an authorization server running in this application when it is the
	 * given issuer, else {@code null}
	 * @return the decoder
	 */
	public static JwtDecoder create(McpOAuthServerProperties properties,
			Function<URI, JWKSource<SecurityContext>> inProcessKeys) {
		return create(properties, inProcessKeys, KeySetSources.unobserved());
	}

	/**
	 * Build the decoder of an application without an authorization server of its own, its JWK Set fetches
	 * unobserved.
	 * @param properties the server properties
	 * @return the decoder
	 */
	public static JwtDecoder create(McpOAuthServerProperties properties) {
		return create(properties, (issuer) -> null);
	}

	private static JwtDecoder decoder(JWSKeySelector<SecurityContext> keySelector, List<URI> trustedIssuers,
			McpOAuthServerProperties properties) {
		return new AccessTokenJwtDecoder(processor(keySelector),
				AccessTokenValidators.create(trustedIssuers, properties.getClockSkew()));
	}

	/**
	 * The keys of one issuer: those of the authorization server in this application when it is that issuer, then
	 * the remote ones.
	 */
	private static JWKSource<SecurityContext> keys(URI issuerUri, URI jwkSetUri, McpOAuthServerProperties properties,
			Function<URI, JWKSource<SecurityContext>> inProcessKeys, KeySetSources keySets) {
		JWKSource<SecurityContext> remote = remoteKeys(issuerUri, jwkSetUri, properties, keySets);
		JWKSource<SecurityContext> inProcess = inProcessKeys.apply(issuerUri);
		return (inProcess != null) ? new InProcessFirstJwkSource(inProcess, remote) : remote;
	}

	/**
	 * The issuers whose tokens are accepted: the configured issuer, or the several configured issuers; without
	 * either, the configured authorization servers, whose identifiers the metadata publishes as the issuers of this
	 * resource's tokens (RFC 9728). Never "any issuer the keys verify": a JWK Set or key shared by several tenants
	 * must not let one tenant's tokens in. Introspection answers that name an {@code iss} are held to the same list.
	 * @param properties the server properties
	 * @return the trusted issuers, never empty for validated properties
	 */
	public static List<URI> trustedIssuers(McpOAuthServerProperties properties) {
		if (properties.getIssuerUri() != null) {
			return List.of(properties.getIssuerUri());
		}
		if (!properties.getIssuers().isEmpty()) {
			return properties.getIssuers().values().stream().map(McpOAuthServerProperties.Issuer::getIssuerUri).toList();
		}
		return List.copyOf(properties.getAuthorizationServers());
	}

	/**
	 * Nimbus's processor as Spring Security's builders set it up (no {@code typ} or claim checks of its own: Spring
	 * Security's validators do those), with the NumericDate range check in front.
	 */
	static NumericDateCheckingJwtProcessor processor(JWSKeySelector<SecurityContext> keySelector) {
		NumericDateCheckingJwtProcessor processor = new NumericDateCheckingJwtProcessor();
		processor.setJWSTypeVerifier((header, context) -> {
		});
		processor.setJWSKeySelector(keySelector);
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		return processor;
	}

	/**
	 * The configured algorithms.
	 * @param properties the server properties
	 * @return the parsed algorithms
	 */
	public static Set<JWSAlgorithm> algorithms(McpOAuthServerProperties properties) {
		Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
		properties.getJwsAlgorithms().forEach((name) -> algorithms.add(JWSAlgorithm.parse(name.trim())));
		return algorithms;
	}

	/** The HMAC secret or the PEM public key, or {@code null} when keys come from a JWK Set. */
	private static JWK staticKey(McpOAuthServerProperties properties) {
		if (properties.getHmacSecret() != null) {
			return new OctetSequenceKey.Builder(properties.getHmacSecret().getBytes(StandardCharsets.UTF_8)).build();
		}
		if (properties.getPublicKeyLocation() != null) {
			try {
				return PemVerificationKeys.read(properties.getPublicKeyLocation());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("mcp.oauth.server.public-key-location",
						properties.getPublicKeyLocation(), "The file " + ex.getMessage()
								+ "; use a PEM 'PUBLIC KEY' (RSA or EC) or 'CERTIFICATE'");
			}
		}
		return null;
	}

	/**
	 * The keys of one issuer: its JWK Set, or the one its metadata names, found on first use.
	 */
	private static JWKSource<SecurityContext> remoteKeys(URI issuerUri, URI jwkSetUri,
			McpOAuthServerProperties properties, KeySetSources keySets) {
		McpOAuthServerProperties.Jwks jwks = properties.getJwks();
		ResourceRetriever retriever = new BoundedResourceRetriever(jwks.getConnectTimeout(), jwks.getReadTimeout(),
				JWK_SET_SIZE_LIMIT);
		HttpsPolicy https = new HttpsPolicy(properties.isAllowInsecureHttp());
		if (jwkSetUri != null) {
			return remote(jwkSetUri, retriever, jwks, https, keySets);
		}
		return new IssuerDiscoveryJwkSource(issuerUri, new AuthorizationServerMetadataDiscovery(retriever),
				(discovered) -> remote(discovered, retriever, jwks, https, keySets), jwks.getRefreshCooldown(),
				Clock.systemUTC());
	}

	private static JWKSource<SecurityContext> remote(URI jwkSetUri, ResourceRetriever retriever,
			McpOAuthServerProperties.Jwks jwks, HttpsPolicy https, KeySetSources keySets) {
		if (!https.permits(jwkSetUri)) {
			throw new IllegalStateException("The JWK Set URI " + jwkSetUri
					+ " must use https (http is allowed for loopback hosts, or with mcp.oauth.server.allow-insecure-http=true)");
		}
		try {
			JWKSetSource<SecurityContext> fetches = new CooldownJwkSetSource(
					keySets.observe(jwkSetUri, new URLBasedJWKSetSource<>(jwkSetUri.toURL(), retriever)),
					jwks.getRefreshCooldown().toMillis());
			long ttl = jwks.getCacheTtl().toMillis();
			long refreshTimeout = jwks.getConnectTimeout().plus(jwks.getReadTimeout()).toMillis();
			long refreshAhead = Math.min(MAX_REFRESH_AHEAD_MILLIS, ttl / 4);
			JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder.create(fetches)
				.cache(ttl, refreshTimeout)
				.rateLimited(false)
				.retrying(false)
				.outageTolerant(false);
			if (refreshAhead + refreshTimeout <= ttl) {
				builder.refreshAheadCache(refreshAhead, false);
			}
			else {
				builder.refreshAheadCache(false);
			}
			return builder.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException("The JWK Set URI " + jwkSetUri + " is not a URL", ex);
		}
	}

}
