package dev.mcpoauth.client;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;

import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.BearerChallenge;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.discovery.McpServerDiscovery.AuthorizationServer;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery.DiscoveryException;
import dev.mcpoauth.client.discovery.McpServerDiscovery.ProtectedResource;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Everything the client knows about one registered MCP server: where its authorization server is (discovered once
 * and cached), which scopes to ask for, and the cached tokens, one for the client or one per user for cross-app
 * access. Transports call {@link #tokenForRequest()} before a request, and {@link #onUnauthorized} or
 * {@link #onForbidden} after a 401 or 403 to learn whether a replay can succeed.
 */
public final class McpAuthorization {

	private static final String BEARER = "Bearer ";

	private final String name;

	private final Registration registration;

	private final McpServerDiscovery discovery;

	private final Function<TokenEndpointTarget, McpTokenClient> tokenClients;

	private final IdTokenResolver idTokens;

	private final Duration expiryMargin;

	private final Clock clock;

	private final ConcurrentMap<String, TokenSlot> slots = new ConcurrentHashMap<>();

	private volatile Discovered discovered;

	/**
	 * @param name the registration name
	 * @param registration the registration
	 * @param discovery discovery of MCP servers and authorization servers
	 * @param tokenClients creates the token client of the registration's flow for a discovered target
	 * @param idTokens supplies the user's ID token (cross-app access)
	 * @param expiryMargin how long before expiry a token is renewed
	 * @param clock the clock
	 */
	public McpAuthorization(String name, Registration registration, McpServerDiscovery discovery,
			Function<TokenEndpointTarget, McpTokenClient> tokenClients, IdTokenResolver idTokens,
			Duration expiryMargin, Clock clock) {
		this.name = name;
		this.registration = registration;
		this.discovery = discovery;
		this.tokenClients = tokenClients;
		this.idTokens = idTokens;
		this.expiryMargin = expiryMargin;
		this.clock = clock;
	}

	/** @return the registration name */
	public String name() {
		return this.name;
	}

	/** @return the MCP server URL */
	public URI serverUrl() {
		return this.registration.getServerUrl();
	}

	/**
	 * A token for the MCP server, cached or new; discovers the authorization server first if needed (from the
	 * well-known URIs, since no challenge is at hand).
	 * @return the token value
	 * @throws McpOAuthClientException when discovery or the token request fails
	 */
	public String accessToken() {
		return accessToken(currentIdToken());
	}

	/**
	 * {@link #accessToken()} for the user whose ID token a transport read on the caller's thread.
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the token value
	 * @throws McpOAuthClientException when discovery or the token request fails
	 */
	public String accessToken(String idToken) {
		Discovered target = discovered(null);
		String subjectToken = subjectToken(idToken);
		return slot(subjectToken).token(() -> initialScopes(target, Set.of()),
				(scopes) -> target.client().requestToken(scopes, subjectToken));
	}

	/**
	 * The token to attach to a request: {@code null} while the authorization server is not known yet, so that the
	 * first request is sent without a token and the server's 401 challenge drives discovery, as the MCP
	 * specification orders it.
	 * @return the token value, or {@code null}
	 */
	public String tokenForRequest() {
		return tokenForRequest(currentIdToken());
	}

	/**
	 * {@link #tokenForRequest()} for the user whose ID token a transport read on the caller's thread.
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the token value, or {@code null}
	 */
	public String tokenForRequest(String idToken) {
		return (this.discovered != null || isStaticallyConfigured()) ? accessToken(idToken) : null;
	}

	/**
	 * The token {@link #tokenForRequest(String)} would return when it is at hand without discovery or a token
	 * request, so that a non-blocking transport leaves its thread only to get a new one. Never blocks.
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the cached token while it is usable, else {@code null}
	 */
	public String cachedToken(String idToken) {
		if (this.discovered == null && !isStaticallyConfigured()) {
			return null;
		}
		TokenSlot slot = this.slots.get(userKey(subjectToken(idToken)));
		return (slot != null) ? slot.cached() : null;
	}

	/**
	 * The signed-in user's ID token for cross-app access, read now, on the calling thread, from the
	 * {@link IdTokenResolver}. A transport whose work continues on other threads, where the resolver may see no
	 * user, reads it here on the caller's thread and passes it to the methods that take an ID token.
	 * @return the ID token, or {@code null} for client credentials or when no user is signed in
	 */
	public String currentIdToken() {
		return (this.registration.getFlow() == Flow.CROSS_APP_ACCESS) ? this.idTokens.resolveIdToken() : null;
	}

	/**
	 * The server answered 401: drop the refused token, learn from the challenge and get a new token.
	 * @param challenge the Bearer challenge of the response
	 * @param sentToken the token that was sent, or {@code null}
	 * @return {@code true}: the request can be replayed with {@link #tokenForRequest()}
	 * @throws McpOAuthClientException when discovery or the token request fails
	 */
	public boolean onUnauthorized(BearerChallenge challenge, String sentToken) {
		return onUnauthorized(challenge, sentToken, currentIdToken());
	}

	/**
	 * {@link #onUnauthorized(BearerChallenge, String)} for the user whose ID token a transport read on the
	 * caller's thread.
	 * @param challenge the Bearer challenge of the response
	 * @param sentToken the token that was sent, or {@code null}
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return {@code true}: the request can be replayed with {@link #tokenForRequest(String)}
	 * @throws McpOAuthClientException when discovery or the token request fails
	 */
	public boolean onUnauthorized(BearerChallenge challenge, String sentToken, String idToken) {
		Discovered target = discovered(challenge.resourceMetadata());
		String subjectToken = subjectToken(idToken);
		TokenSlot slot = slot(subjectToken);
		slot.invalidate(sentToken);
		slot.widen(challenge.scopes());
		slot.token(() -> initialScopes(target, challenge.scopes()),
				(scopes) -> target.client().requestToken(scopes, subjectToken));
		return true;
	}

	/**
	 * The server answered 403: when it is {@code insufficient_scope} naming scopes the token lacks, get a token for
	 * the union of the held and the challenged scopes.
	 * @param challenge the Bearer challenge of the response
	 * @param sentToken the token that was sent
	 * @return whether a replay with {@link #tokenForRequest()} can succeed
	 * @throws McpOAuthClientException when the token request fails
	 */
	public boolean onForbidden(BearerChallenge challenge, String sentToken) {
		return onForbidden(challenge, sentToken, currentIdToken());
	}

	/**
	 * {@link #onForbidden(BearerChallenge, String)} for the user whose ID token a transport read on the caller's
	 * thread.
	 * @param challenge the Bearer challenge of the response
	 * @param sentToken the token that was sent
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return whether a replay with {@link #tokenForRequest(String)} can succeed
	 * @throws McpOAuthClientException when the token request fails
	 */
	public boolean onForbidden(BearerChallenge challenge, String sentToken, String idToken) {
		if (!challenge.isInsufficientScope() || challenge.scopes().isEmpty()) {
			return false;
		}
		Discovered target = discovered(challenge.resourceMetadata());
		String subjectToken = subjectToken(idToken);
		TokenSlot slot = slot(subjectToken);
		if (!slot.widen(challenge.scopes())) {
			return false;
		}
		slot.invalidate(sentToken);
		slot.token(Set::of, (scopes) -> target.client().requestToken(scopes, subjectToken));
		return true;
	}

	/**
	 * After an error response of the MCP server: whether replaying the request with a new token can succeed.
	 * @param status the HTTP status
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values of the response
	 * @param sentAuthorization the {@code Authorization} value of the request, or {@code null}
	 * @return whether to replay
	 */
	public boolean onErrorResponse(int status, List<String> wwwAuthenticate, String sentAuthorization) {
		return onErrorResponse(status, wwwAuthenticate, sentAuthorization, currentIdToken());
	}

	/**
	 * {@link #onErrorResponse(int, List, String)} for the user whose ID token a transport read on the caller's
	 * thread.
	 * @param status the HTTP status
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values of the response
	 * @param sentAuthorization the {@code Authorization} value of the request, or {@code null}
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return whether to replay
	 */
	public boolean onErrorResponse(int status, List<String> wwwAuthenticate, String sentAuthorization,
			String idToken) {
		String sent = (sentAuthorization != null && sentAuthorization.regionMatches(true, 0, BEARER, 0, BEARER.length()))
				? sentAuthorization.substring(BEARER.length()).trim() : null;
		BearerChallenge challenge = BearerChallenge.parse(wwwAuthenticate);
		if (status == 401) {
			return onUnauthorized(challenge, sent, idToken);
		}
		return status == 403 && onForbidden(challenge, sent, idToken);
	}

	private String subjectToken(String idToken) {
		return (this.registration.getFlow() == Flow.CROSS_APP_ACCESS) ? idToken : null;
	}

	/** One slot for the client, or one per user (issuer and subject of the ID token) for cross-app access. */
	private TokenSlot slot(String idToken) {
		return this.slots.computeIfAbsent(userKey(idToken), (key) -> new TokenSlot(this.expiryMargin, this.clock));
	}

	private String userKey(String idToken) {
		if (idToken == null) {
			return "";
		}
		try {
			JWTClaimsSet claims = JWTParser.parse(idToken).getJWTClaimsSet();
			return claims.getIssuer() + " " + claims.getSubject();
		}
		catch (ParseException ex) {
			throw new McpOAuthClientException(this.name, "invalid_id_token", "The user's ID token is not a JWT", 0);
		}
	}

	/** The challenge's scopes are authoritative; else the configured ones; else all the server supports. */
	private Set<String> initialScopes(Discovered target, Set<String> challenged) {
		if (!challenged.isEmpty()) {
			return challenged;
		}
		if (!this.registration.getScopes().isEmpty()) {
			return new LinkedHashSet<>(this.registration.getScopes());
		}
		return new LinkedHashSet<>(target.target().scopesSupported());
	}

	private boolean isStaticallyConfigured() {
		return this.registration.getTokenUri() != null;
	}

	private Discovered discovered(URI resourceMetadata) {
		Discovered current = this.discovered;
		if (current != null && (resourceMetadata == null || resourceMetadata.equals(current.resourceMetadata()))) {
			return current;
		}
		synchronized (this) {
			current = this.discovered;
			if (current != null && (resourceMetadata == null || resourceMetadata.equals(current.resourceMetadata()))) {
				return current;
			}
			try {
				TokenEndpointTarget target = discoverTarget(resourceMetadata);
				this.discovered = new Discovered(resourceMetadata, target, this.tokenClients.apply(target));
				return this.discovered;
			}
			catch (DiscoveryException ex) {
				throw new McpOAuthClientException(this.name, "discovery_failed", ex.getMessage(), 0);
			}
		}
	}

	private TokenEndpointTarget discoverTarget(URI resourceMetadata) {
		URI serverUrl = this.registration.getServerUrl();
		if (this.registration.getTokenUri() != null) {
			URI issuer = (this.registration.getIssuerUri() != null) ? this.registration.getIssuerUri()
					: this.registration.getTokenUri();
			return new TokenEndpointTarget(serverUrl, issuer, this.registration.getTokenUri(),
					clientAuthentication(List.of()), List.copyOf(this.registration.getScopes()));
		}
		URI resource = serverUrl;
		List<String> scopesSupported = List.of();
		URI issuer = this.registration.getIssuerUri();
		if (issuer == null) {
			ProtectedResource protectedResource = this.discovery.protectedResource(serverUrl, resourceMetadata);
			resource = protectedResource.resource();
			scopesSupported = protectedResource.scopesSupported();
			issuer = protectedResource.authorizationServers().get(0);
		}
		AuthorizationServer server = this.discovery.authorizationServer(issuer);
		return new TokenEndpointTarget(resource, server.issuer(), server.tokenEndpoint(),
				clientAuthentication(server.tokenEndpointAuthMethods()), scopesSupported);
	}

	/**
	 * The configured method; else the first the authorization server advertises among those this registration has
	 * credentials for (a key: {@code private_key_jwt}; a secret: {@code client_secret_basic}, then
	 * {@code client_secret_post}); RFC 8414's default, {@code client_secret_basic}, when nothing is advertised.
	 */
	private ClientAuthenticationMethod clientAuthentication(List<String> advertised) {
		if (this.registration.getClientAuthenticationMethod() != null) {
			return new ClientAuthenticationMethod(this.registration.getClientAuthenticationMethod());
		}
		List<ClientAuthenticationMethod> possible = new ArrayList<>();
		if (this.registration.getPrivateKeyLocation() != null) {
			possible.add(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
		}
		if (this.registration.getClientSecret() != null) {
			possible.add(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
			possible.add(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		}
		if (possible.isEmpty()) {
			return ClientAuthenticationMethod.NONE;
		}
		List<String> offered = advertised.isEmpty() ? List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue())
				: advertised;
		return possible.stream()
			.filter((method) -> offered.contains(method.getValue()))
			.findFirst()
			.orElse(possible.get(0));
	}

	@Override
	public String toString() {
		return "McpAuthorization[" + this.name + ", " + this.registration.getServerUrl() + "]";
	}

	private record Discovered(URI resourceMetadata, TokenEndpointTarget target, McpTokenClient client) {
	}

}
