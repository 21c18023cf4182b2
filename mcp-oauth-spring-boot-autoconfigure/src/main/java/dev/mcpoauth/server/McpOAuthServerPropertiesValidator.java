package dev.mcpoauth.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;

import dev.mcpoauth.discovery.ConfiguredUris;
import dev.mcpoauth.discovery.HttpsPolicy;
import dev.mcpoauth.server.McpOAuthServerProperties.Introspection;
import dev.mcpoauth.server.jwt.AccessTokenDecoders;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;

/**
 * Checks {@link McpOAuthServerProperties} at start-up. A wrong value or combination fails with an
 * {@link InvalidConfigurationPropertyValueException} that names the property and says how to fix it.
 */
final class McpOAuthServerPropertiesValidator {

	private static final String PREFIX = "mcp.oauth.server.";

	/** RFC 6749 scope-token: printable ASCII except space, '"' and '\'. */
	private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

	private static final Pattern ENDPOINT = Pattern.compile("/[A-Za-z0-9._~\\-/]*");

	private static final int MIN_HMAC_SECRET_BYTES = 32;

	private static final String OFFLINE_ACCESS = "offline_access";

	private static final String DPOP_REPLAY_VALIDATOR = "org.springframework.security.oauth2.jwt.DPoPProofReplayValidator";

	private static final Duration MAX_PROOF_AGE = Duration.ofMinutes(5);

	private static final Duration MAX_NONCE_LIFETIME = Duration.ofMinutes(15);
	private static final String INTROSPECTION = "introspection.";

	private static final List<String> INTROSPECTION_METHODS = List.of(TokenSources.CLIENT_SECRET_BASIC,
			"client_secret_post", TokenSources.PRIVATE_KEY_JWT);

	private McpOAuthServerPropertiesValidator() {
	}

	/**
	 * @param properties the properties
	 * @param classLoader the application's class loader (DPoP needs classes that older Spring Security lacks)
	 */
	static void validate(McpOAuthServerProperties properties, ClassLoader classLoader) {
		if (properties.getEndpoint() != null) {
			validateEndpoint(properties.getEndpoint());
		}
		HttpsPolicy https = new HttpsPolicy(properties.isAllowInsecureHttp());
		validateAbsolute("resource", properties.getResource(), null);
		validateAbsolute("issuer-uri", properties.getIssuerUri(), https);
		validateAbsolute("jwk-set-uri", properties.getJwkSetUri(), https);
		validateAbsolute("resource-documentation", properties.getResourceDocumentation(), null);
		properties.getAuthorizationServers().forEach((uri) -> validateAbsolute("authorization-servers", uri, null));
		if (properties.getIssuers().isEmpty()) {
			validateKeySource(properties);
		}
		else {
			validateIssuers(properties, https);
		}
		validateAlgorithms(properties);
		if (properties.getAuthorizationServers().isEmpty() && properties.getIssuerUri() == null
				&& properties.getIssuers().isEmpty()) {
			throw invalid("authorization-servers", "[]",
					"The Protected Resource Metadata must name at least one authorization server: set "
							+ PREFIX + "issuer-uri or " + PREFIX + "authorization-servers");
		}
		if (properties.getClockSkew() == null || properties.getClockSkew().isNegative()) {
			throw invalid("clock-skew", properties.getClockSkew(), "Use a duration of zero or more, e.g. 60s");
		}
		validateJwks(properties.getJwks());
		validateIntrospection(properties, https);
		if (properties.getTokenCache().getMaxSize() < 1) {
			throw invalid("token-cache.max-size", properties.getTokenCache().getMaxSize(), "Use a size of 1 or more");
		}
		if (McpOAuthServerAutoConfiguration.isOn(properties.getDpop())) {
			validateDPoP(properties, classLoader);
		}
		validateScopes("required-scopes", properties.getRequiredScopes());
		validateScopes("scopes-supported", properties.getScopesSupported());
		for (Map.Entry<String, List<String>> entry : properties.getToolScopes().entrySet()) {
			validateScopes("tool-scopes." + entry.getKey(), entry.getValue());
		}
	}

	private static void validateJwks(McpOAuthServerProperties.Jwks jwks) {
		requirePositive("jwks.cache-ttl", jwks.getCacheTtl());
		requirePositive("jwks.refresh-cooldown", jwks.getRefreshCooldown());
		requirePositive("jwks.connect-timeout", jwks.getConnectTimeout());
		requirePositive("jwks.read-timeout", jwks.getReadTimeout());
		if (jwks.getRefreshCooldown().compareTo(jwks.getCacheTtl()) >= 0) {
			throw invalid("jwks.refresh-cooldown", jwks.getRefreshCooldown(), "Use a cool-down shorter than "
					+ PREFIX + "jwks.cache-ttl (" + jwks.getCacheTtl() + "), or keys could never be refreshed");
		}
	}

	private static void validateDPoP(McpOAuthServerProperties properties, ClassLoader classLoader) {
		McpOAuthServerProperties.Dpop dpop = properties.getDpop();
		if (!ClassUtils.isPresent(DPOP_REPLAY_VALIDATOR, classLoader)) {
			throw invalid("dpop.enabled", true, "DPoP needs Spring Security 7.0.7, 7.1.1 or newer (with "
					+ "DPoPProofReplayValidator): upgrade it, or switch " + PREFIX + "dpop.enabled and required off");
		}
		if (properties.getResource() == null) {
			throw invalid("resource", null, "A DPoP proof names the URL of its request (htu), which without a "
					+ "configured resource would follow the request's Host header, so that a proof made for another "
					+ "server could be relayed here: set " + PREFIX + "resource to the public URL of the MCP endpoint");
		}
		if (dpop.getAlgorithms().isEmpty()) {
			throw invalid("dpop.algorithms", "[]", "List at least one algorithm, e.g. ES256");
		}
		for (String name : dpop.getAlgorithms()) {
			JWSAlgorithm algorithm = (name != null) ? JWSAlgorithm.parse(name) : null;
			if (algorithm == null || !(JWSAlgorithm.Family.RSA.contains(algorithm)
					|| JWSAlgorithm.Family.EC.contains(algorithm))) {
				throw invalid("dpop.algorithms", name,
						"DPoP proofs are verified with RSA and ECDSA algorithms only: use e.g. ES256, PS256, RS256");
			}
		}
		Duration maxAge = dpop.getProofMaxAge();
		if (maxAge == null || maxAge.isNegative() || maxAge.isZero() || maxAge.compareTo(MAX_PROOF_AGE) > 0) {
			throw invalid("dpop.proof-max-age", maxAge, "Use a positive duration of at most " + MAX_PROOF_AGE.toMinutes()
					+ "m (a proof is meant for one request, now), e.g. 60s");
		}
		if (dpop.getReplayCache().getMaxSize() < 1) {
			throw invalid("dpop.replay-cache.max-size", dpop.getReplayCache().getMaxSize(), "Use a size of 1 or more");
		}
		if (dpop.getReplayCache().getMaxProofsPerKey() < 1) {
			throw invalid("dpop.replay-cache.max-proofs-per-key", dpop.getReplayCache().getMaxProofsPerKey(),
					"Use a number of 1 or more");
		}
		Duration lifetime = dpop.getNonce().getLifetime();
		if (lifetime == null || lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_NONCE_LIFETIME) > 0) {
			throw invalid("dpop.nonce.lifetime", lifetime, "Use a positive duration of at most "
					+ MAX_NONCE_LIFETIME.toMinutes() + "m (a nonce bounds how long a proof made in advance is good), e.g. 5m");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw invalid(name, value, "Use a positive duration");
		}
	}

	/**
	 * Introspection is on with a client id; then it needs an endpoint (configured, or discovered from the issuer),
	 * credentials that fit the client authentication method and nothing that would go unused.
	 */
	private static void validateIntrospection(McpOAuthServerProperties properties, HttpsPolicy https) {
		Introspection introspection = properties.getIntrospection();
		validateAbsolute(INTROSPECTION + "endpoint", introspection.getEndpoint(), https);
		if (!TokenSources.introspects(properties)) {
			String orphan = (introspection.getEndpoint() != null) ? "endpoint"
					: (introspection.getClientSecret() != null) ? "client-secret"
							: (introspection.getPrivateKeyLocation() != null) ? "private-key-location"
									: (introspection.getMode() == Introspection.Mode.ALL) ? "mode" : null;
			if (orphan != null) {
				throw invalid(INTROSPECTION + "client-id", null, PREFIX + INTROSPECTION + orphan
						+ " is set, but introspection is off: set " + PREFIX + INTROSPECTION
						+ "client-id to the MCP server's client id at the authorization server");
			}
			return;
		}
		if (introspection.getClientId().isBlank()) {
			throw invalid(INTROSPECTION + "client-id", "", "Set the MCP server's client id at the authorization server");
		}
		if (!properties.getIssuers().isEmpty() || (properties.getIssuerUri() == null
				&& properties.getAuthorizationServers().size() > 1)) {
			boolean several = !properties.getIssuers().isEmpty();
			throw invalid(several ? "issuers" : "authorization-servers",
					several ? properties.getIssuers().keySet() : properties.getAuthorizationServers(),
					"An introspection endpoint answers for one authorization server, and with several trusted issuers "
							+ "its answers could name any of them: set " + PREFIX + "issuer-uri to the one issuer it "
							+ "belongs to, or switch introspection off");
		}
		if (introspection.getEndpoint() == null && properties.getIssuerUri() == null) {
			throw invalid(INTROSPECTION + "endpoint", null, properties.getIssuers().isEmpty()
					? "Set the introspection endpoint, or " + PREFIX + "issuer-uri to discover it from the issuer's metadata"
					: "Set the introspection endpoint: with " + PREFIX + "issuers it is not discovered");
		}
		validateIntrospectionClient(properties, introspection);
		if (introspection.getMode() == Introspection.Mode.ALL) {
			Map<String, Object> keySources = new LinkedHashMap<>();
			keySources.put("jwk-set-uri", properties.getJwkSetUri());
			keySources.put("public-key-location", properties.getPublicKeyLocation());
			keySources.put("hmac-secret", (properties.getHmacSecret() != null) ? "<hidden>" : null);
			for (Map.Entry<String, Object> keySource : keySources.entrySet()) {
				if (keySource.getValue() != null) {
					throw invalid(keySource.getKey(), keySource.getValue(), PREFIX + INTROSPECTION
							+ "mode=all introspects every token, so this key would never verify one: remove it, "
							+ "or set " + PREFIX + INTROSPECTION + "mode=opaque to verify JWTs with it");
				}
			}
		}
		requirePositive(INTROSPECTION + "connect-timeout", introspection.getConnectTimeout());
		requirePositive(INTROSPECTION + "timeout", introspection.getTimeout());
		if (introspection.getConnectTimeout().compareTo(introspection.getTimeout()) > 0) {
			throw invalid(INTROSPECTION + "connect-timeout", introspection.getConnectTimeout(),
					"Use a connect timeout no longer than " + PREFIX + INTROSPECTION + "timeout ("
							+ introspection.getTimeout() + "), which bounds the whole request");
		}
		Introspection.Cache cache = introspection.getCache();
		if (cache.getTtl() == null || cache.getTtl().isNegative()) {
			throw invalid(INTROSPECTION + "cache.ttl", cache.getTtl(),
					"Use a duration of zero (no cache) or more, e.g. 60s");
		}
		if (cache.getMaxSize() < 1) {
			throw invalid(INTROSPECTION + "cache.max-size", cache.getMaxSize(), "Use a size of 1 or more");
		}
	}

	private static void validateIntrospectionClient(McpOAuthServerProperties properties, Introspection introspection) {
		String method = TokenSources.introspectionClientAuthenticationMethod(introspection);
		if (!INTROSPECTION_METHODS.contains(method)) {
			throw invalid(INTROSPECTION + "client-authentication-method", method, "Use one of " + INTROSPECTION_METHODS);
		}
		if (!TokenSources.PRIVATE_KEY_JWT.equals(method)) {
			if (introspection.getClientSecret() == null) {
				throw invalid(INTROSPECTION + "client-secret", null, method + " needs the client's secret");
			}
			if (introspection.getPrivateKeyLocation() != null) {
				throw invalid(INTROSPECTION + "private-key-location", introspection.getPrivateKeyLocation(),
						"Remove it, or set " + PREFIX + INTROSPECTION + "client-authentication-method=private_key_jwt");
			}
			return;
		}
		if (introspection.getPrivateKeyLocation() == null) {
			throw invalid(INTROSPECTION + "private-key-location", null,
					"private_key_jwt needs the key that signs client assertions: a PKCS#8 PEM or JWK file");
		}
		if (introspection.getClientSecret() != null) {
			throw invalid(INTROSPECTION + "client-secret", "<hidden>",
					"Remove it: the introspection client authenticates with private_key_jwt");
		}
		if (properties.getIssuerUri() == null) {
			throw invalid("issuer-uri", null, "private_key_jwt client assertions name the issuer as their audience: "
					+ "set " + PREFIX + "issuer-uri");
		}
		Duration lifetime = introspection.getAssertionLifetime();
		if (lifetime == null || lifetime.isNegative() || lifetime.isZero() || lifetime.getSeconds() > 300) {
			throw invalid(INTROSPECTION + "assertion-lifetime", lifetime,
					"Use a short positive duration, at most 5m (e.g. 60s)");
		}
	}

	private static void validateEndpoint(String endpoint) {
		if (endpoint == null || !ENDPOINT.matcher(endpoint).matches() || endpoint.contains("//")
				|| (endpoint.length() > 1 && endpoint.endsWith("/"))) {
			throw invalid("endpoint", endpoint,
					"Use the plain path of the MCP endpoint relative to the context path, e.g. /mcp");
		}
	}

	private static void validateAbsolute(String name, URI uri, HttpsPolicy https) {
		ConfiguredUris.check(PREFIX + name, uri, https, PREFIX + "allow-insecure-http");
	}

	private static void validateKeySource(McpOAuthServerProperties properties) {
		int sources = count(properties.getJwkSetUri(), properties.getPublicKeyLocation(), properties.getHmacSecret());
		if (sources > 1) {
			throw invalid("jwk-set-uri", properties.getJwkSetUri(), "Set only one of " + PREFIX + "jwk-set-uri, "
					+ PREFIX + "public-key-location and " + PREFIX + "hmac-secret");
		}
		if (sources == 0 && properties.getIssuerUri() == null && !TokenSources.introspects(properties)) {
			throw invalid("issuer-uri", null, "No key source to verify access tokens: set " + PREFIX
					+ "issuer-uri (keys are discovered from it), " + PREFIX + "jwk-set-uri, " + PREFIX
					+ "public-key-location or " + PREFIX + "hmac-secret, for several issuers " + PREFIX
					+ "issuers.<name>.issuer-uri, or introspect tokens with " + PREFIX + INTROSPECTION + "client-id");
		}
		if (properties.getPublicKeyLocation() != null && !properties.getPublicKeyLocation().exists()) {
			throw invalid("public-key-location", properties.getPublicKeyLocation(),
					"The file does not exist; point it at a PEM public key or certificate");
		}
	}

	/**
	 * Several trusted issuers: each with an issuer-uri of its own, and none of the single-issuer key sources beside
	 * them (which issuer would they belong to?).
	 */
	private static void validateIssuers(McpOAuthServerProperties properties, HttpsPolicy https) {
		Map<String, Object> single = new LinkedHashMap<>();
		single.put("issuer-uri", properties.getIssuerUri());
		single.put("jwk-set-uri", properties.getJwkSetUri());
		single.put("public-key-location", properties.getPublicKeyLocation());
		single.put("hmac-secret", properties.getHmacSecret());
		for (Map.Entry<String, Object> entry : single.entrySet()) {
			if (entry.getValue() != null) {
				throw invalid(entry.getKey(), "hmac-secret".equals(entry.getKey()) ? "<hidden>" : entry.getValue(),
						"With " + PREFIX + "issuers, keys come from each issuer: move it into "
								+ PREFIX + "issuers.<name>." + entry.getKey() + " (issuer-uri or jwk-set-uri), "
								+ "or remove " + PREFIX + "issuers");
			}
		}
		Set<URI> seen = new HashSet<>();
		properties.getIssuers().forEach((name, issuer) -> {
			String property = "issuers." + name + ".";
			if (issuer.getIssuerUri() == null) {
				throw invalid(property + "issuer-uri", null, "Each trusted issuer needs its issuer identifier");
			}
			validateAbsolute(property + "issuer-uri", issuer.getIssuerUri(), https);
			validateAbsolute(property + "jwk-set-uri", issuer.getJwkSetUri(), https);
			if (!seen.add(issuer.getIssuerUri())) {
				throw invalid(property + "issuer-uri", issuer.getIssuerUri(),
						"Another entry of " + PREFIX + "issuers has the same issuer-uri: list each issuer once");
			}
			for (String audience : issuer.getAudiences()) {
				if (audience == null || audience.isBlank()) {
					throw invalid(property + "audiences", audience, "Use the audience values the issuer puts in 'aud'");
				}
			}
		});
	}

	private static void validateAlgorithms(McpOAuthServerProperties properties) {
		if (properties.getJwsAlgorithms().isEmpty()) {
			throw invalid("jws-algorithms", "[]", "List at least one algorithm, e.g. RS256");
		}
		boolean hmac = false;
		boolean asymmetric = false;
		for (JWSAlgorithm algorithm : AccessTokenDecoders.algorithms(properties)) {
			if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
				hmac = true;
			}
			else if (JWSAlgorithm.Family.SIGNATURE.contains(algorithm)) {
				asymmetric = true;
			}
			else {
				throw invalid("jws-algorithms", algorithm.getName(),
						"Not a supported JWS algorithm; use e.g. RS256, PS256, ES256 (or HS256 with hmac-secret)");
			}
		}
		String secret = properties.getHmacSecret();
		if (hmac && asymmetric) {
			throw invalid("jws-algorithms", properties.getJwsAlgorithms(),
					"Do not mix HMAC (HS*) and asymmetric algorithms: that allows algorithm confusion");
		}
		if (hmac && secret == null) {
			throw invalid("hmac-secret", null,
					"HMAC algorithms need a shared secret: set " + PREFIX + "hmac-secret (32 bytes or more)");
		}
		if (secret != null && !hmac) {
			throw invalid("jws-algorithms", properties.getJwsAlgorithms(), PREFIX
					+ "hmac-secret is set, so list only HMAC algorithms, e.g. " + PREFIX + "jws-algorithms=HS256");
		}
		if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES) {
			throw invalid("hmac-secret", "<hidden>", "The secret must be at least " + MIN_HMAC_SECRET_BYTES
					+ " bytes long");
		}
	}

	private static void validateScopes(String name, List<String> scopes) {
		for (String scope : scopes) {
			if (scope == null || !SCOPE_TOKEN.matcher(scope).matches()) {
				throw invalid(name, scope, "A scope is one token of printable ASCII without spaces, '\"' or '\\'");
			}
			if (OFFLINE_ACCESS.equals(scope)) {
				throw invalid(name, scope, "MCP servers do not ask for offline_access (MCP authorization 2026-07-28): "
						+ "remove it; clients request refresh tokens from their authorization server themselves");
			}
		}
	}

	private static int count(Object... values) {
		int count = 0;
		for (Object value : values) {
			if (value != null) {
				count++;
			}
		}
		return count;
	}

	private static InvalidConfigurationPropertyValueException invalid(String name, Object value, String reason) {
		return new InvalidConfigurationPropertyValueException(PREFIX + name, value, reason);
	}

}
