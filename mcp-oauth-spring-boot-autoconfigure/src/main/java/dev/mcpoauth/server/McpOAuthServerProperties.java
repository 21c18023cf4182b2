package dev.mcpoauth.server;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration of the MCP resource server: how access tokens for the MCP endpoint are validated and what the
 * RFC 9728 Protected Resource Metadata document says.
 *
 * <p>Exactly one key source is used: {@code jwk-set-uri}, {@code public-key-location}, {@code hmac-secret}, or,
 * when none of them is set, the {@code jwks_uri} discovered lazily from {@code issuer-uri}.
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
	 * Whether issuer-uri and jwk-set-uri may use plain http for hosts other than loopback. Keep false outside
	 * closed test networks.
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

	public TokenCache getTokenCache() {
		return this.tokenCache;
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
		 * 'kid'. Must be shorter than cache-ttl.
		 */
		private Duration refreshCooldown = Duration.ofSeconds(30);

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

}
