package dev.mcpoauth.client;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import com.nimbusds.jwt.JWTParser;

import dev.mcpoauth.CacheStatistics;
import dev.mcpoauth.client.IssuerBoundDiscovery.Discovered;
import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.authorizationcode.AuthorizationCodeUserAgent;
import dev.mcpoauth.client.discovery.BearerChallenge;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.dpop.DPoPProofs;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;

/**
 * Everything the client knows about one registered MCP server: where its authorization server is (discovered once,
 * bound to one issuer for the life of the registration: {@link IssuerBoundDiscovery}), which scopes to ask for, and
 * the cached tokens, one for the client, one per user for cross-app access, or one per resource owner and
 * authorization server for the authorization code flow ({@link TokenSlots}; that flow also keeps its tokens in an
 * {@code OAuth2AuthorizedClientService}, which its token client reads and refreshes). Transports call
 * {@link #tokenForRequest()} before a request, and {@link #onErrorResponse} after a 401 or 403 to learn whether a
 * replay can succeed. The replay rules live here, not in the transports: after a 401 a token is requested only when
 * the refused one was not itself just obtained after a refusal, so a call replays at most once after a 401 however
 * many replays its transport allows; a step-up replays only when the wider token arrived.
 * <p>
 * The headers a request carries are made here too, for its exact method and URL ({@link #credentials}): a bearer
 * token, or with DPoP ({@code dpop.enabled}) the DPoP-bound token and a fresh proof signed with the key the token
 * is bound to; a 401 {@code use_dpop_nonce} replays the request once with a proof carrying the server's nonce, with
 * the same token.
 */
public final class McpAuthorization {

	private static final String BEARER = "Bearer ";

	private static final String DPOP = "DPoP ";

	private final String name;

	private final Registration registration;

	private final IdTokenResolver idTokens;

	private final IssuerBoundDiscovery targets;

	private final TokenSlots slots;

	private final Supplier<String> resourceOwners;

	/** Whether the authorization code flow's resource owner depends on the calling thread. */
	private final boolean severalResourceOwners;

	private final DPoPProofs dpop;

	/** The requests that may carry the token: under server-url. */
	private final ServerUrlScope scope;

	/** POST requests (the SSE transport's message endpoint) may also go elsewhere on server-url's origin. */
	private final ServerUrlScope originScope;

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
		this(name, registration, discovery, tokenClients, idTokens, null, expiryMargin, clock);
	}

	/**
	 * @param name the registration name
	 * @param registration the registration
	 * @param discovery discovery of MCP servers and authorization servers
	 * @param tokenClients creates the token client of the registration's flow for a discovered target
	 * @param idTokens supplies the user's ID token (cross-app access)
	 * @param userAgent names the resource owner a call is made for, on the calling thread (authorization code
	 * flow), or {@code null} when the registration has no such flow
	 * @param expiryMargin how long before expiry a token is renewed
	 * @param clock the clock
	 */
	public McpAuthorization(String name, Registration registration, McpServerDiscovery discovery,
			Function<TokenEndpointTarget, McpTokenClient> tokenClients, IdTokenResolver idTokens,
			AuthorizationCodeUserAgent userAgent, Duration expiryMargin, Clock clock) {
		this(name, registration, discovery, tokenClients, idTokens, userAgent, null, expiryMargin, clock);
	}

	/**
	 * @param name the registration name
	 * @param registration the registration
	 * @param discovery discovery of MCP servers and authorization servers
	 * @param tokenClients creates the token client of the registration's flow for a discovered target
	 * @param idTokens supplies the user's ID token (cross-app access)
	 * @param userAgent names the resource owner a call is made for, on the calling thread (authorization code
	 * flow), or {@code null} when the registration has no such flow
	 * @param dpop the registration's DPoP proofs (the same its token requests use), or {@code null} for bearer
	 * tokens
	 * @param expiryMargin how long before expiry a token is renewed
	 * @param clock the clock
	 */
	public McpAuthorization(String name, Registration registration, McpServerDiscovery discovery,
			Function<TokenEndpointTarget, McpTokenClient> tokenClients, IdTokenResolver idTokens,
			AuthorizationCodeUserAgent userAgent, DPoPProofs dpop, Duration expiryMargin, Clock clock) {
		this.dpop = dpop;
		this.name = name;
		this.registration = registration;
		this.idTokens = idTokens;
		this.resourceOwners = (userAgent != null) ? userAgent::resourceOwner : () -> null;
		this.severalResourceOwners = userAgent == null || userAgent.isPerUser();
		this.targets = new IssuerBoundDiscovery(name, registration, discovery, tokenClients, clock);
		this.slots = new TokenSlots(name, expiryMargin, clock);
		this.scope = new ServerUrlScope(registration.getServerUrl());
		this.originScope = ServerUrlScope.originOf(registration.getServerUrl());
	}

	/** @return the registration name */
	public String name() {
		return this.name;
	}

	/**
	 * @return the counts of the registration's token cache: a hit is a token handed out without a token request
	 */
	public CacheStatistics tokenCacheStatistics() {
		return this.slots.statistics();
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
		Discovered target = this.targets.target(null);
		String subjectToken = subjectToken(idToken);
		return this.slots.with(slotKey(target, subjectToken), (slot) -> slot.token(
				() -> initialScopes(target, Set.of()), (scopes) -> target.client().requestToken(scopes, subjectToken)));
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
		return this.targets.isKnown() ? accessToken(idToken) : null;
	}

	/**
	 * The token {@link #tokenForRequest(String)} would return when it is at hand without discovery or a token
	 * request, so that a non-blocking transport leaves its thread only to get a new one. Never blocks.
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the cached token while it is usable, else {@code null}
	 */
	public String cachedToken(String idToken) {
		Discovered current = this.targets.current();
		if (current == null) {
			return this.targets.isKnown() ? this.slots.cached(subjectToken(idToken)) : null;
		}
		return this.slots.cached(slotKey(current, subjectToken(idToken)));
	}

	/**
	 * The headers for a request: {@link #tokenForRequest(String)} as a bearer token, or with DPoP as a DPoP-bound
	 * token with a proof for this method and URL. Only for a URI the transports would send the token to: under
	 * server-url ({@link ServerUrlScope}), or for a POST (the SSE transport's message endpoint) on its origin; for
	 * any other URI nothing is made (no token request either) and {@code null} is returned.
	 * @param method the request method
	 * @param uri the request URI
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the credentials, or {@code null} while no token is to be sent, or for a URI outside server-url
	 */
	public RequestCredentials credentials(String method, URI uri, String idToken) {
		return covers(method, uri) ? credentials(tokenForRequest(idToken), method, uri) : null;
	}

	/**
	 * {@link #credentials(String, URI, String)} with {@link #accessToken(String)}: discovers and gets a token before
	 * the first request.
	 * @param method the request method
	 * @param uri the request URI
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the credentials, or {@code null} for a URI outside server-url
	 * @throws McpOAuthClientException when discovery or the token request fails
	 */
	public RequestCredentials accessCredentials(String method, URI uri, String idToken) {
		return covers(method, uri) ? credentials(accessToken(idToken), method, uri) : null;
	}

	/**
	 * {@link #credentials(String, URI, String)} when the token is at hand ({@link #cachedToken(String)}); never
	 * blocks on the network.
	 * @param method the request method
	 * @param uri the request URI
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return the credentials, or {@code null} (also for a URI outside server-url)
	 */
	public RequestCredentials cachedCredentials(String method, URI uri, String idToken) {
		return covers(method, uri) ? credentials(cachedToken(idToken), method, uri) : null;
	}

	/** Whether a request may carry the token: under server-url, or a POST on its origin. */
	private boolean covers(String method, URI uri) {
		return uri != null && (this.scope.covers(uri) || ("POST".equals(method) && this.originScope.covers(uri)));
	}

	/** @return whether this registration presents DPoP-bound tokens */
	public boolean isDPoP() {
		return this.dpop != null;
	}

	private RequestCredentials credentials(String token, String method, URI uri) {
		if (token == null) {
			return null;
		}
		if (this.dpop == null) {
			return new RequestCredentials(BEARER + token, null);
		}
		Discovered current = this.targets.current();
		URI issuer = ((current != null) ? current : this.targets.target(null)).target().issuer();
		return new RequestCredentials(DPOP + token, this.dpop.proof(issuer, method, uri, token));
	}

	/**
	 * @return whether tokens are per user (cross-app access; the authorization code flow with a user agent for
	 * several users, such as a web application's), so that a token request must know whose it is, read on the
	 * calling thread
	 */
	public boolean isPerUser() {
		return this.registration.getFlow() == Flow.CROSS_APP_ACCESS
				|| (this.registration.getFlow() == Flow.AUTHORIZATION_CODE && this.severalResourceOwners);
	}

	/**
	 * @return whether whom a call is for must be carried from the calling thread and is never read on another one:
	 * the authorization code flow with a user agent for several users (a web application's), whose user on another
	 * thread (the SDK's, or a pooled one with an inheritable security context) may be someone else
	 */
	public boolean needsCarriedResourceOwner() {
		return this.registration.getFlow() == Flow.AUTHORIZATION_CODE && this.severalResourceOwners;
	}

	/**
	 * Whom a call made now is for, read on the calling thread: for cross-app access the signed-in user's ID token,
	 * from the {@link IdTokenResolver}; for the authorization code flow the resource owner's name, from the user
	 * agent. A transport whose work continues on other threads, where the resolver may see no user, reads it here on
	 * the caller's thread and passes it to the methods that take an ID token.
	 * @return the ID token or resource owner, or {@code null} for client credentials or when no user is signed in
	 */
	public String currentIdToken() {
		return switch (this.registration.getFlow()) {
			case CROSS_APP_ACCESS -> this.idTokens.resolveIdToken();
			case AUTHORIZATION_CODE -> this.resourceOwners.get();
			default -> null;
		};
	}

	/**
	 * The server answered 401: drop the refused token, learn from the challenge and get a new token, unless the
	 * refused token was itself just obtained after a refusal (then another would not help, and no token is
	 * requested: at most one replay after a 401 per call, whatever the transport's replay limit).
	 * @param challenge the Bearer challenge of the response
	 * @param sentToken the token that was sent, or {@code null}
	 * @return whether the request can be replayed with {@link #tokenForRequest()}
	 * @throws McpOAuthClientException when discovery or the token request fails, or the challenge leads to another
	 * authorization server than the one this registration is bound to ({@code authorization_server_changed})
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
	 * @return whether the request can be replayed with {@link #tokenForRequest(String)}
	 * @throws McpOAuthClientException as {@link #onUnauthorized(BearerChallenge, String)}
	 */
	public boolean onUnauthorized(BearerChallenge challenge, String sentToken, String idToken) {
		Discovered target = this.targets.target(challenge.resourceMetadata(), sentToken != null);
		String subjectToken = subjectToken(idToken);
		if (sentToken != null) {
			target.client().refused(sentToken, subjectToken);
		}
		return this.slots.with(slotKey(target, subjectToken),
				(slot) -> slot.renew(sentToken, challenge.scopes(), true, () -> initialScopes(target, challenge.scopes()),
						(scopes) -> target.client().requestToken(scopes, subjectToken)));
	}

	/**
	 * The server answered 403: when it is {@code insufficient_scope} naming scopes the token lacks, get a token for
	 * the union of the held and the challenged scopes. The wider set is kept only once such a token arrives; until
	 * then, and after a refusal, the held token and scopes stay in use.
	 * @param challenge the Bearer challenge of the response
	 * @param sentToken the token that was sent
	 * @return whether a replay with {@link #tokenForRequest()} can succeed
	 * @throws McpOAuthStepUpException when the authorization server refuses the wider scope
	 * @throws McpOAuthClientException when discovery fails
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
	 * @throws McpOAuthStepUpException when the authorization server refuses the wider scope
	 * @throws McpOAuthClientException when discovery fails
	 */
	public boolean onForbidden(BearerChallenge challenge, String sentToken, String idToken) {
		if (!challenge.isInsufficientScope() || challenge.scopes().isEmpty()) {
			return false;
		}
		Discovered target = this.targets.target(challenge.resourceMetadata());
		String subjectToken = subjectToken(idToken);
		try {
			return this.slots.with(slotKey(target, subjectToken),
					(slot) -> slot.renew(sentToken, challenge.scopes(), false, () -> initialScopes(target, Set.of()),
							(scopes) -> target.client().requestToken(scopes, subjectToken)));
		}
		catch (McpOAuthClientException ex) {
			throw new McpOAuthStepUpException(ex, challenge.scopes());
		}
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
		return onErrorResponse(new Refusal(null, status, wwwAuthenticate, null, sentAuthorization, null), idToken);
	}

	/**
	 * After an error response of the MCP server: whether replaying the request can succeed, with a new token, or
	 * (DPoP, 401 {@code use_dpop_nonce}) with the same token and a proof carrying the nonce the server handed out,
	 * which is kept for that server's origin only. A nonce challenge replays only when the refused request carried a
	 * proof, and that proof did not carry the nonce already; a nonce challenge to a request without a proof (sent
	 * before discovery) is a 401 like another when it names the resource metadata, else it gets no replay.
	 * @param refusal the refused request and the response
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @return whether to replay
	 */
	public boolean onErrorResponse(Refusal refusal, String idToken) {
		return onErrorResponse(refusal, idToken, false);
	}

	/**
	 * {@link #onErrorResponse(Refusal, String)} for a transport that counts the nonce replays of a call: once a call
	 * was replayed after a {@code use_dpop_nonce} challenge ({@link #isNonceChallenge}), a further nonce challenge
	 * only keeps the nonce and gets no replay, so a server that hands out a new nonce with every refusal gets one
	 * retry per call. A nonce replay presents the refused request's token again (the one the cache holds; no token
	 * is requested) with a new proof, and the token cache does not count that presentation as a hand-out, so that a
	 * replacement token stays "untried" for the replay of the call it was obtained for, and a later
	 * {@code invalid_token} in the same call buys no second token.
	 * @param refusal the refused request and the response
	 * @param idToken the user's ID token (cross-app access; client credentials ignore it), or {@code null}
	 * @param nonceReplayed whether the call was replayed after a nonce challenge already
	 * @return whether to replay
	 */
	public boolean onErrorResponse(Refusal refusal, String idToken, boolean nonceReplayed) {
		String sent = sentToken(refusal.authorization());
		BearerChallenge challenge = challenge(refusal.wwwAuthenticate());
		if (this.dpop != null && refusal.uri() != null) {
			if (isNonceChallenge(refusal)) {
				if (nonceReplayed) {
					this.dpop.rememberNonce(refusal.uri(), refusal.dpopNonce());
					return false;
				}
				boolean replay = this.dpop.onNonceRequired(refusal.uri(), refusal.dpopNonce(), refusal.dpopProof());
				Discovered current = this.targets.current();
				if (replay && sent != null && current != null) {
					this.slots.replaying(slotKey(current, subjectToken(idToken)), sent);
				}
				return replay;
			}
			this.dpop.rememberNonce(refusal.uri(), refusal.dpopNonce());
			if (refusal.status() == 401 && refusal.dpopProof() == null && "use_dpop_nonce".equals(challenge.error())
					&& challenge.resourceMetadata() == null) {
				// a request without a proof cannot have used a nonce: the nonce is kept, and the refusal leads to
				// discovery only when it names the resource metadata (else it is handed to the caller)
				return false;
			}
		}
		if (refusal.status() == 401) {
			return onUnauthorized(challenge, sent, idToken);
		}
		return refusal.status() == 403 && onForbidden(challenge, sent, idToken);
	}

	/**
	 * @param refusal the refused request and the response
	 * @return whether it is a 401 {@code use_dpop_nonce} to a request that carried a DPoP proof (with DPoP only;
	 * a request without a proof gets no nonce replay: see {@link #onErrorResponse(Refusal, String, boolean)})
	 */
	public boolean isNonceChallenge(Refusal refusal) {
		return this.dpop != null && refusal.uri() != null && refusal.status() == 401 && refusal.dpopProof() != null
				&& "use_dpop_nonce".equals(challenge(refusal.wwwAuthenticate()).error());
	}

	/**
	 * The challenge of a refusal that speaks to this registration: with DPoP the {@code DPoP} challenge, else (and
	 * when there is none) the {@code Bearer} one.
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values of the response
	 * @return the challenge, or {@link BearerChallenge#NONE}
	 */
	public BearerChallenge challenge(List<String> wwwAuthenticate) {
		return (this.dpop != null) ? BearerChallenge.parse(wwwAuthenticate, "dpop", "bearer")
				: BearerChallenge.parse(wwwAuthenticate);
	}

	/** The token of a {@code Bearer} or {@code DPoP} authorization value, or null. */
	private static String sentToken(String authorization) {
		for (String scheme : new String[] { BEARER, DPOP }) {
			if (authorization != null && authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
				return authorization.substring(scheme.length()).trim();
			}
		}
		return null;
	}

	/**
	 * A request the MCP server refused, as a transport saw it.
	 *
	 * @param uri the request URI, or {@code null} when unknown (then no DPoP nonce is learned)
	 * @param status the HTTP status of the response
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values of the response
	 * @param dpopNonce the {@code DPoP-Nonce} of the response, or {@code null}
	 * @param authorization the {@code Authorization} value of the request, or {@code null}
	 * @param dpopProof the {@code DPoP} value of the request, or {@code null}
	 */
	public record Refusal(URI uri, int status, List<String> wwwAuthenticate, String dpopNonce, String authorization,
			String dpopProof) {

		@Override
		public String toString() {
			return "Refusal[" + this.status + "]";
		}

	}

	/**
	 * The tokens of a principal at the current authorization server: for the authorization code flow, keyed by the
	 * issuer too, so that tokens of an authorization server the MCP server moved away from are never handed out.
	 */
	private String slotKey(Discovered target, String subjectToken) {
		return (this.registration.getFlow() == Flow.AUTHORIZATION_CODE) ? target.target().issuer() + " " + subjectToken
				: subjectToken;
	}

	/**
	 * The user's ID token for cross-app access (checked to be a JWT, not verified: the IdP does that); the resource
	 * owner for the authorization code flow: the one carried from the calling thread ({@link #currentIdToken()} read
	 * there, by the methods without one or by the transport), else, for a user agent of a single resource owner (the
	 * headless one), that one. A user agent of several resource owners (a web application's) is never asked here:
	 * this may be another thread than the caller's (the SDK's, or a pooled one with an inheritable security context
	 * left by an earlier user), so no carried owner means {@code no_resource_owner}. Else null.
	 */
	private String subjectToken(String idToken) {
		if (this.registration.getFlow() == Flow.AUTHORIZATION_CODE) {
			String owner = (idToken != null || this.severalResourceOwners) ? idToken : this.resourceOwners.get();
			if (owner == null) {
				throw new McpOAuthClientException(this.name, "no_resource_owner",
						"The authorization code flow needs the resource owner a call is made for, and the user agent "
								+ "names none (is the user signed in?)",
						0);
			}
			return owner;
		}
		if (this.registration.getFlow() != Flow.CROSS_APP_ACCESS) {
			return null;
		}
		if (idToken != null) {
			try {
				JWTParser.parse(idToken);
			}
			catch (ParseException ex) {
				throw new McpOAuthClientException(this.name, "invalid_id_token", "The user's ID token is not a JWT", 0);
			}
		}
		return idToken;
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

	@Override
	public String toString() {
		return "McpAuthorization[" + this.name + ", " + this.registration.getServerUrl() + "]";
	}

}
