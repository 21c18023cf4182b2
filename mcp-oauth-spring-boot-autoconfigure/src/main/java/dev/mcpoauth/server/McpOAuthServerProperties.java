package dev.mcpoauth.server;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mcpoauth.client.ClientAuthenticationProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration of the MCP resource server: how access tokens for the MCP endpoint are validated and what the
 * RFC 9728 Protected Resource Metadata document says.
 *
 * <p>JWTs are verified with exactly one key source: {@code jwk-set-uri}, {@code public-key-location},
 * {@code hmac-secret}, or, when none of them is set, the {@code jwks_uri} discovered lazily from {@code issuer-uri}.
 * With {@code introspection.client-id}, tokens that are not JWTs (or, with {@code introspection.mode=all}, every
 * token) are introspected (RFC 7662) instead.
 */
@ConfigurationProperties("mcp.oauth.server")
public class McpOAuthServerProperties {

	/**
	 * Whether the starter protects the MCP endpoint and serves the Protected Resource Metadata.
	 */
	private boolean enabled = true;

	/**
	 * Path of the protected MCP endpoint, relative to the context path; sub-paths are protected too. Defaults to the
	 * endpoint of Spring AI's MCP server as its own properties set it (the SSE endpoint, '/sse', when
	 * 'spring.ai.mcp.server.protocol' is unset or SSE, whose message endpoint is then protected too; else
	 * 'spring.ai.mcp.server.streamable-http.mcp-endpoint', '/mcp'), and to '/mcp' without Spring AI.
	 */
	private String endpoint;

	/**
	 * RFC 9728 resource identifier of the MCP endpoint (its canonical public URI, path included), for example
	 * https://mcp.example.com/mcp. When unset it is derived from each request (origin + context path + endpoint,
	 * honouring server.forward-headers-strategy); set it in production so a forged Host header cannot choose the
	 * accepted audience.
	 */
	private URI resource;

	/**
	 * Issuer identifier of the authorization server. Tokens must carry exactly this 'iss'. When jwk-set-uri is not
	 * set, the 'jwks_uri' is discovered from it (RFC 8414 / OpenID Connect discovery) on first use, never at
	 * start-up.
	 */
	private URI issuerUri;

	/**
	 * JSON Web Key Set URI of the authorization server. Keys are cached and refreshed when a token names an
	 * unknown 'kid'.
	 */
	private URI jwkSetUri;

	/**
	 * Trusted issuers of a server that accepts tokens from several authorization servers (tenants of one identity
	 * provider, or two providers during a migration), each under a name of your choice. A token is checked only
	 * against the keys of the issuer its 'iss' names, and only when that issuer is listed; a token naming another
	 * issuer is refused without any network request. Replaces issuer-uri, jwk-set-uri, public-key-location and
	 * hmac-secret. The metadata lists every issuer unless authorization-servers is set.
	 */
	private Map<String, Issuer> issuers = new LinkedHashMap<>();

	/**
	 * Location of a PEM file holding the verification key (an RSA or EC 'PUBLIC KEY', or a 'CERTIFICATE'), used
	 * instead of a JWK Set.
	 */
	private Resource publicKeyLocation;

	/**
	 * Shared secret for HMAC-signed tokens (HS256, HS384, HS512), at least 32 bytes. Only used, and only allowed,
	 * when jws-algorithms lists HMAC algorithms only.
	 */
	private String hmacSecret;

	/**
	 * Accepted 'aud' values: a token must name at least one of them. Defaults to the resource identifier
	 * (RFC 8707). Audience checking cannot be switched off.
	 */
	private List<String> audiences = new ArrayList<>();

	/**
	 * Accepted JWS algorithms. Defaults to the RSA and ECDSA ones (RS*, PS*, ES*); HMAC algorithms (HS*) need
	 * hmac-secret and cannot be mixed with asymmetric ones (that would allow algorithm confusion).
	 */
	private List<String> jwsAlgorithms = new ArrayList<>(
			List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"));

	/**
	 * Scopes that every request to the MCP endpoint needs. Read from the token's 'scope' (space-separated) and
	 * 'scp' (array or string) claims.
	 */
	private List<String> requiredScopes = new ArrayList<>();

	/**
	 * Extra scopes per MCP tool, keyed by tool name: a 'tools/call' of that tool without them is answered
	 * 403 insufficient_scope naming every scope the call needs.
	 */
	private Map<String, List<String>> toolScopes = new LinkedHashMap<>();

	/**
	 * Scopes advertised in the metadata ('scopes_supported'). Defaults to the required scopes plus all tool scopes.
	 */
	private List<String> scopesSupported = new ArrayList<>();

	/**
	 * Authorization servers advertised in the metadata ('authorization_servers'). Defaults to the issuer-uri, or to
	 * every issuer of 'issuers'.
	 */
	private List<URI> authorizationServers = new ArrayList<>();

	/**
	 * Tolerance applied to the 'exp' and 'nbf' checks.
	 */
	private Duration clockSkew = Duration.ofSeconds(60);

	/**
	 * Human-readable name of the resource, advertised as 'resource_name'.
	 */
	private String resourceName;

	/**
	 * URL of human-readable documentation, advertised as 'resource_documentation'.
	 */
	private URI resourceDocumentation;

	/**
	 * Whether issuer-uri, jwk-set-uri and the introspection endpoint may use plain http for hosts other than
	 * loopback. Keep false outside closed test networks.
	 */
	private boolean allowInsecureHttp;

	/**
	 * How the JWK Set is fetched and cached.
	 */
	private final Jwks jwks = new Jwks();

	/**
	 * The opt-in cache of validated tokens.
	 */
	private final TokenCache tokenCache = new TokenCache();

	/**
	 * DPoP (RFC 9449): access tokens bound to a client's key, each request carrying a proof signed with it.
	 */
	private final Dpop dpop = new Dpop();

	/**
	 * Token introspection (RFC 7662), for opaque tokens; switched on by introspection.client-id.
	 */
	private final Introspection introspection = new Introspection();

	public TokenCache getTokenCache() {
		return this.tokenCache;
	}

	public Dpop getDpop() {
		return this.dpop;
	}

	public Introspection getIntrospection() {
		return this.introspection;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(String endpoint) {
		this.endpoint = endpoint;
	}

	public URI getResource() {
		return this.resource;
	}

	public void setResource(URI resource) {
		this.resource = resource;
	}

	public URI getIssuerUri() {
		return this.issuerUri;
	}

	public void setIssuerUri(URI issuerUri) {
		this.issuerUri = issuerUri;
	}

	public Map<String, Issuer> getIssuers() {
		return this.issuers;
	}

	public void setIssuers(Map<String, Issuer> issuers) {
		this.issuers = issuers;
	}

	/**
	 * The audiences of each trusted issuer that has its own, by issuer identifier.
	 * @return the audiences, in the order the issuers are listed
	 */
	public Map<String, List<String>> audiencesByIssuer() {
		Map<String, List<String>> audiences = new LinkedHashMap<>();
		this.issuers.values().forEach((issuer) -> {
			if (!issuer.getAudiences().isEmpty()) {
				audiences.put(issuer.getIssuerUri().toString(), issuer.getAudiences());
			}
		});
		return audiences;
	}

	public URI getJwkSetUri() {
		return this.jwkSetUri;
	}

	public void setJwkSetUri(URI jwkSetUri) {
		this.jwkSetUri = jwkSetUri;
	}

	public Resource getPublicKeyLocation() {
		return this.publicKeyLocation;
	}

	public void setPublicKeyLocation(Resource publicKeyLocation) {
		this.publicKeyLocation = publicKeyLocation;
	}

	public String getHmacSecret() {
		return this.hmacSecret;
	}

	public void setHmacSecret(String hmacSecret) {
		this.hmacSecret = hmacSecret;
	}

	public List<String> getAudiences() {
		return this.audiences;
	}

	public void setAudiences(List<String> audiences) {
		this.audiences = audiences;
	}

	public List<String> getJwsAlgorithms() {
		return this.jwsAlgorithms;
	}

	public void setJwsAlgorithms(List<String> jwsAlgorithms) {
		this.jwsAlgorithms = jwsAlgorithms;
	}

	public List<String> getRequiredScopes() {
		return this.requiredScopes;
	}

	public void setRequiredScopes(List<String> requiredScopes) {
		this.requiredScopes = requiredScopes;
	}

	public Map<String, List<String>> getToolScopes() {
		return this.toolScopes;
	}

	public void setToolScopes(Map<String, List<String>> toolScopes) {
		this.toolScopes = toolScopes;
	}

	public List<String> getScopesSupported() {
		return this.scopesSupported;
	}

	public void setScopesSupported(List<String> scopesSupported) {
		this.scopesSupported = scopesSupported;
	}

	public List<URI> getAuthorizationServers() {
		return this.authorizationServers;
	}

	public void setAuthorizationServers(List<URI> authorizationServers) {
		this.authorizationServers = authorizationServers;
	}

	public Duration getClockSkew() {
		return this.clockSkew;
	}

	public void setClockSkew(Duration clockSkew) {
		this.clockSkew = clockSkew;
	}

	public String getResourceName() {
		return this.resourceName;
	}

	public void setResourceName(String resourceName) {
		this.resourceName = resourceName;
	}

	public URI getResourceDocumentation() {
		return this.resourceDocumentation;
	}

	public void setResourceDocumentation(URI resourceDocumentation) {
		this.resourceDocumentation = resourceDocumentation;
	}

	public boolean isAllowInsecureHttp() {
		return this.allowInsecureHttp;
	}

	public void setAllowInsecureHttp(boolean allowInsecureHttp) {
		this.allowInsecureHttp = allowInsecureHttp;
	}

	public Jwks getJwks() {
		return this.jwks;
	}

	/**
	 * Fetching and caching of the remote JWK Set.
	 */
	public static class Jwks {

		/**
		 * How long fetched keys are used before they are fetched again; they are refreshed in the background
		 * shortly before (at most 30s, a quarter of the TTL). While the endpoint is down or answers garbage, the
		 * last keys fetched stay in use.
		 */
		private Duration cacheTtl = Duration.ofMinutes(5);

		/**
		 * Least time between two fetches of the JWK Set, successful or not, however many tokens name an unknown
		 * 'kid'; also the least time between two attempts to discover the issuer's metadata after a failure. It is
		 * also the longest a key newly published by the authorization server can wait to be accepted when an
		 * unknown 'kid' (an attacker's, say) was seen just before. Must be shorter than cache-ttl.
		 */
		private Duration refreshCooldown = Duration.ofSeconds(5);

		/**
		 * Connect timeout of a JWK Set or discovery request.
		 */
		private Duration connectTimeout = Duration.ofSeconds(2);

		/**
		 * Read timeout of a JWK Set or discovery request.
		 */
		private Duration readTimeout = Duration.ofSeconds(3);

		public Duration getCacheTtl() {
			return this.cacheTtl;
		}

		public void setCacheTtl(Duration cacheTtl) {
			this.cacheTtl = cacheTtl;
		}

		public Duration getRefreshCooldown() {
			return this.refreshCooldown;
		}

		public void setRefreshCooldown(Duration refreshCooldown) {
			this.refreshCooldown = refreshCooldown;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

	}

	/**
	 * One trusted issuer of a server with several ({@code mcp.oauth.server.issuers.<name>.*}).
	 */
	public static class Issuer {

		/**
		 * Issuer identifier. Tokens of this issuer carry exactly this 'iss'. When jwk-set-uri is not set, its
		 * 'jwks_uri' is discovered from it on first use, never at start-up.
		 */
		private URI issuerUri;

		/**
		 * JSON Web Key Set URI of this issuer, instead of discovering it.
		 */
		private URI jwkSetUri;

		/**
		 * Audiences accepted in this issuer's tokens, replacing mcp.oauth.server.audiences (and the resource
		 * identifier) for them.
		 */
		private List<String> audiences = new ArrayList<>();

		public URI getIssuerUri() {
			return this.issuerUri;
		}

		public void setIssuerUri(URI issuerUri) {
			this.issuerUri = issuerUri;
		}

		public URI getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(URI jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public List<String> getAudiences() {
			return this.audiences;
		}

		public void setAudiences(List<String> audiences) {
			this.audiences = audiences;
		}

	}

	/**
	 * Cache of validated tokens: a token seen before is not verified again until it expires.
	 */
	public static class TokenCache {

		/**
		 * Whether validated tokens are cached (keyed by the whole token, never past its 'exp').
		 */
		private boolean enabled;

		/**
		 * Most tokens held.
		 */
		private int maxSize = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * DPoP (RFC 9449): access tokens whose 'cnf.jkt' binds them to a client's key, sent with the DPoP scheme and a
	 * DPoP proof signed with that key on every request.
	 */
	public static class Dpop {

		/**
		 * Whether DPoP-bound access tokens are accepted, with the 'DPoP' authorization scheme and a proof checked on
		 * each request (method, URL, 'iat', single use of 'jti', 'ath', key binding, and the nonce when enabled).
		 * Bearer tokens stay accepted unless 'required' is set; a DPoP-bound token is never accepted as a bearer
		 * token. Challenges then name both schemes, and the metadata advertises the proof algorithms.
		 */
		private boolean enabled;

		/**
		 * Whether only DPoP-bound access tokens are accepted: a bearer token is refused with a DPoP challenge, and
		 * the metadata says 'dpop_bound_access_tokens_required': true. Switches DPoP on by itself.
		 */
		private boolean required;

		/**
		 * JWS algorithms accepted for DPoP proofs, advertised as 'dpop_signing_alg_values_supported' and in the
		 * 'algs' of DPoP challenges. RSA and ECDSA ones only (RS*, PS*, ES*): proofs carry their public key, so an
		 * HMAC or 'none' proof proves nothing.
		 */
		private List<String> algorithms = new ArrayList<>(
				List.of("ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"));

		/**
		 * How far a proof's 'iat' may lie from the server's clock, in the past or the future (clock skew
		 * included). Its 'jti' is remembered for as long, so a proof is accepted at most once. At most 5m.
		 */
		private Duration proofMaxAge = Duration.ofSeconds(60);

		/**
		 * The memory of proofs already used (their 'jti'), kept per application instance.
		 */
		private final ReplayCache replayCache = new ReplayCache();

		/**
		 * Server-provided nonces (RFC 9449 section 9).
		 */
		private final Nonce nonce = new Nonce();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isRequired() {
			return this.required;
		}

		public void setRequired(boolean required) {
			this.required = required;
		}

		public List<String> getAlgorithms() {
			return this.algorithms;
		}

		public void setAlgorithms(List<String> algorithms) {
			this.algorithms = algorithms;
		}

		public Duration getProofMaxAge() {
			return this.proofMaxAge;
		}

		public void setProofMaxAge(Duration proofMaxAge) {
			this.proofMaxAge = proofMaxAge;
		}

		public ReplayCache getReplayCache() {
			return this.replayCache;
		}

		public Nonce getNonce() {
			return this.nonce;
		}

	}

	/**
	 * The memory of used DPoP proofs: a proof whose 'jti' is in it is refused as a replay.
	 */
	public static class ReplayCache {

		/**
		 * Most proofs remembered at once; when it is full (more proofs within proof-max-age than this), new proofs
		 * are refused until older ones expire.
		 */
		private int maxSize = 100_000;

		/**
		 * Most proofs of one client key remembered at once: a client may make this many requests within
		 * proof-max-age; more are refused until older proofs expire.
		 */
		private int maxProofsPerKey = 1000;

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

		public int getMaxProofsPerKey() {
			return this.maxProofsPerKey;
		}

		public void setMaxProofsPerKey(int maxProofsPerKey) {
			this.maxProofsPerKey = maxProofsPerKey;
		}

	}

	/**
	 * Server-provided DPoP nonces: a proof must carry the current (or the previous) nonce, which the server hands
	 * out in the 'DPoP-Nonce' response header; a proof without it gets 401 'use_dpop_nonce'.
	 */
	public static class Nonce {

		/**
		 * Whether proofs must carry a nonce of this server (limits how long a proof made in advance can be used).
		 */
		private boolean enabled;

		/**
		 * How long a nonce is handed out before a new one replaces it; the previous one stays accepted for as long
		 * again. Nonces are kept per application instance.
		 */
		private Duration lifetime = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getLifetime() {
			return this.lifetime;
		}

		public void setLifetime(Duration lifetime) {
			this.lifetime = lifetime;
		}

	}

	/**
	 * Token introspection (RFC 7662): the authorization server tells whether a token is active, and what it says
	 * about it, for tokens that cannot be verified locally (opaque tokens). Setting client-id (the MCP server's client
	 * id at the authorization server) switches it on; client assertions (private_key_jwt) name the issuer-uri as their
	 * audience.
	 */
	public static class Introspection extends ClientAuthenticationProperties {

		/**
		 * The introspection endpoint. When unset, the 'introspection_endpoint' of the issuer-uri's metadata,
		 * discovered on first use, never at start-up.
		 */
		private URI endpoint;

		/**
		 * Which tokens are introspected: 'opaque' (JWTs are verified locally with the key source, anything that is
		 * not a signed JWT is introspected; without a key source every token is introspected) or 'all' (every
		 * token, JWTs included, e.g. for Keycloak's lightweight access tokens or to see revocations at once).
		 */
		private Mode mode = Mode.OPAQUE;

		/**
		 * Connect timeout of an introspection or discovery request.
		 */
		private Duration connectTimeout = Duration.ofSeconds(1);

		/**
		 * The longest a request waits for an introspection answer, connecting, discovery of the endpoint and the
		 * whole answer included; when it passes, the request is answered 401.
		 */
		private Duration timeout = Duration.ofSeconds(3);

		/**
		 * The cache of accepted introspection answers.
		 */
		private final Cache cache = new Cache();

		public URI getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(URI endpoint) {
			this.endpoint = endpoint;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Cache getCache() {
			return this.cache;
		}

		/**
		 * Which tokens are introspected.
		 */
		public enum Mode {

			/**
			 * Tokens that are not signed JWTs; JWTs are verified locally.
			 */
			OPAQUE,

			/**
			 * Every token.
			 */
			ALL

		}

		/**
		 * Cache of accepted introspection answers, keyed by the SHA-256 digest of the token.
		 */
		public static class Cache {

			/**
			 * How long an accepted answer is used (never past the token's 'exp'); a revoked token may be accepted
			 * that long after its revocation. 0 asks the endpoint on every request.
			 */
			private Duration ttl = Duration.ofSeconds(60);

			/**
			 * Most answers held.
			 */
			private int maxSize = 10_000;

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

			public int getMaxSize() {
				return this.maxSize;
			}

			public void setMaxSize(int maxSize) {
				this.maxSize = maxSize;
			}

		}

	}

}
