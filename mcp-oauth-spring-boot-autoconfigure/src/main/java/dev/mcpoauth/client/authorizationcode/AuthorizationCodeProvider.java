package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClientProperties.AuthorizationCode;
import dev.mcpoauth.client.discovery.McpServerDiscovery.AuthorizationServer;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;

import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

/**
 * The {@link OAuth2AuthorizedClientProvider} of the authorization code flow for one MCP server, run by an
 * {@code AuthorizedClientServiceOAuth2AuthorizedClientManager}: keeps a stored authorized client while its access
 * token grants the scopes asked for and is not due for renewal (the rule of the client's in-memory token cache:
 * the expiry less {@code expiry-margin}, or less half the lifetime when shorter); refreshes it with its refresh token
 * when due (Spring Security's {@link RestClientRefreshTokenTokenResponseClient}, with {@code resource}); otherwise, or
 * when the refresh token is refused ({@code invalid_grant}) or the scopes asked for are wider than those granted
 * (step-up), authorizes anew:
 * <ol>
 * <li>refuses an authorization server whose metadata does not list {@code S256} in
 * {@code code_challenge_methods_supported} (the MCP specification: such a server does not support PKCE);</li>
 * <li>builds the request with Spring Security's {@link OAuth2AuthorizationRequest} builder and
 * {@link OAuth2AuthorizationRequestCustomizers#withPkce()} (S256), a fresh random {@code state}, the scopes (plus
 * {@code offline_access} when the authorization server lists it in {@code scopes_supported} and
 * {@code request-offline-access} is on; never otherwise) and RFC 8707 {@code resource} exactly as the Protected
 * Resource Metadata published it;</li>
 * <li>has the {@link AuthorizationCodeUserAgent} take it to the resource owner;</li>
 * <li>checks the answer ({@link AuthorizationResponses}: redirect target, RFC 9207 {@code iss}, errors);</li>
 * <li>exchanges the code with Spring Security's {@link OAuth2AuthorizationCodeAuthenticationProvider}, which first
 * checks that the {@code state} is the one sent; the token request carries the {@code code_verifier},
 * {@code redirect_uri}, {@code resource} and the client's authentication.</li>
 * </ol>
 */
final class AuthorizationCodeProvider implements OAuth2AuthorizedClientProvider {

	/** Context attribute: the scopes asked for ({@code Set<String>}). */
	static final String SCOPES = AuthorizationCodeProvider.class.getName() + ".scopes";

	/** Context attribute: the client's current registration at this authorization server. */
	static final String REGISTRATION = AuthorizationCodeProvider.class.getName() + ".registration";

	/** Authorization request attribute: the registration name. */
	static final String REGISTRATION_NAME = AuthorizationCodeProvider.class.getName() + ".registrationName";

	/** Authorization request attribute: the resource owner the request is for. */
	static final String RESOURCE_OWNER = AuthorizationCodeProvider.class.getName() + ".resourceOwner";

	/** Authorization request attribute: the issuer identifier of the authorization server it is sent to. */
	static final String ISSUER = AuthorizationCodeProvider.class.getName() + ".issuer";

	/**
	 * Authorization request attribute: whether that server advertises
	 * {@code authorization_response_iss_parameter_supported} ({@code Boolean}).
	 */
	static final String ISS_ADVERTISED = AuthorizationCodeProvider.class.getName() + ".issAdvertised";

	private static final Log logger = LogFactory.getLog(AuthorizationCodeProvider.class);

	private static final StringKeyGenerator STATES = new Base64StringKeyGenerator(Base64.getUrlEncoder());

	private final String name;

	private final TokenEndpointTarget target;

	private final AuthorizationCode settings;

	private final boolean sendResource;

	private final AuthorizationCodeUserAgent userAgent;

	private final OAuth2AuthorizationCodeAuthenticationProvider codeExchange;

	private final RestClientRefreshTokenTokenResponseClient refreshes;

	private final TokenEndpoints endpoints;

	private final Duration expiryMargin;

	private final Clock clock;

	AuthorizationCodeProvider(TokenEndpoints endpoints, TokenEndpointTarget target, AuthorizationCodeUserAgent userAgent,
			OAuth2AuthorizationCodeAuthenticationProvider codeExchange, RestClientRefreshTokenTokenResponseClient refreshes,
			Duration expiryMargin, Clock clock) {
		this.name = endpoints.registrationName();
		this.target = target;
		this.settings = endpoints.registration().getAuthorizationCode();
		this.sendResource = endpoints.registration().isSendResourceParameter();
		this.userAgent = userAgent;
		this.codeExchange = codeExchange;
		this.refreshes = refreshes;
		this.endpoints = endpoints;
		this.expiryMargin = expiryMargin;
		this.clock = clock;
	}

	@Override
	public OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		ClientRegistration registration = context.getAttribute(REGISTRATION);
		Set<String> scopes = context.getAttribute(SCOPES);
		String owner = context.getPrincipal().getName();
		OAuth2AuthorizedClient stored = context.getAuthorizedClient();
		if (stored != null && sameClient(stored.getClientRegistration(), registration)
				&& stored.getAccessToken().getScopes().containsAll(scopes)) {
			if (!isDueForRenewal(stored.getAccessToken())) {
				return null;
			}
			if (stored.getRefreshToken() != null) {
				OAuth2AuthorizedClient refreshed = refresh(registration, owner, stored, scopes);
				if (refreshed != null) {
					return refreshed;
				}
			}
		}
		return authorizeAnew(registration, owner, scopes);
	}

	/**
	 * Whether a token is due for renewal: the rule of the in-memory token cache, so that the two never disagree (a
	 * token without a known expiry is kept until a server refuses it).
	 * @param token the token
	 * @return whether to renew it
	 */
	boolean isDueForRenewal(OAuth2AccessToken token) {
		Instant issued = token.getIssuedAt();
		Instant expires = token.getExpiresAt();
		if (issued == null || expires == null || !expires.isAfter(issued.plusSeconds(1))) {
			return false;
		}
		Duration halfLife = Duration.between(issued, expires).dividedBy(2);
		Duration margin = (halfLife.compareTo(this.expiryMargin) < 0) ? halfLife : this.expiryMargin;
		return !this.clock.instant().isBefore(expires.minus(margin));
	}

	private static boolean sameClient(ClientRegistration stored, ClientRegistration current) {
		return stored.getClientId().equals(current.getClientId())
				&& stored.getProviderDetails().getTokenUri().equals(current.getProviderDetails().getTokenUri());
	}

	private OAuth2AuthorizedClient refresh(ClientRegistration registration, String owner, OAuth2AuthorizedClient stored,
			Set<String> scopes) {
		OAuth2AccessTokenResponse response;
		try {
			response = this.endpoints.exchange(() -> this.refreshes.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
					registration, stored.getAccessToken(), stored.getRefreshToken())));
		}
		catch (McpOAuthClientException ex) {
			if ("invalid_grant".equals(ex.getError())) {
				logger.info("MCP registration '" + this.name + "': " + this.target.issuer()
						+ " refused the refresh token (invalid_grant); authorizing again");
				return null;
			}
			throw ex;
		}
		OAuth2AccessToken token = withScopes(response.getAccessToken(), stored.getAccessToken().getScopes());
		if (!token.getScopes().containsAll(scopes)) {
			return null;
		}
		OAuth2RefreshToken refreshToken = (response.getRefreshToken() != null) ? response.getRefreshToken()
				: stored.getRefreshToken();
		if (logger.isDebugEnabled()) {
			logger.debug("MCP registration '" + this.name + "': refreshed the access token at " + this.target.issuer());
		}
		return new OAuth2AuthorizedClient(registration, owner, token, refreshToken);
	}

	private OAuth2AuthorizedClient authorizeAnew(ClientRegistration registration, String owner, Set<String> scopes) {
		AuthorizationServer server = this.target.authorizationServer();
		if (server.fromMetadata() && !server.codeChallengeMethods().contains("S256")) {
			throw new McpOAuthClientException(this.name, "pkce_not_supported", "The authorization server "
					+ this.target.issuer() + " does not list S256 in code_challenge_methods_supported "
					+ server.codeChallengeMethods() + ": without PKCE S256 the authorization code flow is refused", 0);
		}
		if (!server.issParameterSupported() && !sameOrigin(this.target.issuer(), server.authorizationEndpoint())) {
			throw new McpOAuthClientException(this.name, "authorization_endpoint_refused", "The authorization server "
					+ this.target.issuer() + " does not advertise authorization_response_iss_parameter_supported and "
					+ "names an authorization endpoint on another origin: without RFC 9207 iss, an answer from "
					+ "there could not be told from another authorization server's (mix-up)", 0);
		}
		Set<String> requested = new LinkedHashSet<>(scopes);
		boolean offlineAccess = this.settings.isRequestOfflineAccess()
				&& server.scopesSupported().contains("offline_access");
		if (offlineAccess) {
			requested.add("offline_access");
		}
		else {
			requested.remove("offline_access");
		}
		OAuth2AuthorizationRequest.Builder builder = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(registration.getProviderDetails().getAuthorizationUri())
			.clientId(registration.getClientId())
			.redirectUri(registration.getRedirectUri())
			.scopes(requested)
			.state(STATES.generateKey())
			.attributes((attributes) -> {
				attributes.put(OAuth2ParameterNames.REGISTRATION_ID, registration.getRegistrationId());
				attributes.put(REGISTRATION_NAME, this.name);
				attributes.put(RESOURCE_OWNER, owner);
				attributes.put(ISSUER, this.target.issuer().toString());
				attributes.put(ISS_ADVERTISED, server.issParameterSupported());
			});
		if (this.sendResource) {
			builder.additionalParameters((parameters) -> parameters.put("resource", this.target.resource().toString()));
		}
		OAuth2AuthorizationRequestCustomizers.withPkce().accept(builder);
		OAuth2AuthorizationRequest request = builder.build();
		URI redirect = this.userAgent.authorize(this.name, request);
		OAuth2AuthorizationResponse response = AuthorizationResponses.read(redirect, request);
		OAuth2AuthorizationCodeAuthenticationToken result;
		try {
			// Through the token endpoints' exchange: with DPoP, a use_dpop_nonce answer gets one retry with the nonce.
			result = this.endpoints.exchange(() -> (OAuth2AuthorizationCodeAuthenticationToken) this.codeExchange
				.authenticate(new OAuth2AuthorizationCodeAuthenticationToken(registration,
						new OAuth2AuthorizationExchange(request, response))));
		}
		catch (McpOAuthClientException ex) {
			if ("invalid_state_parameter".equals(ex.getError())) {
				throw new McpOAuthClientException(this.name, "invalid_state", "The authorization response carries "
						+ "another state than the request; refusing it (the code was not exchanged)", 0);
			}
			throw ex;
		}
		OAuth2AccessToken token = withScopes(result.getAccessToken(), requested);
		logger.info("MCP registration '" + this.name + "': authorized at " + this.target.issuer() + " as client '"
				+ registration.getClientId() + "', scopes " + token.getScopes()
				+ ((result.getRefreshToken() != null) ? ", with a refresh token" : ""));
		return new OAuth2AuthorizedClient(registration, owner, token, result.getRefreshToken());
	}

	/** The token, with the given scopes when its response named none (RFC 6749: then they are those asked for). */
	private static OAuth2AccessToken withScopes(OAuth2AccessToken token, Set<String> scopes) {
		if (!token.getScopes().isEmpty()) {
			return token;
		}
		return new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), token.getIssuedAt(),
				token.getExpiresAt(), scopes);
	}

	/** Whether two URIs share scheme, host and port. */
	private static boolean sameOrigin(URI a, URI b) {
		return b != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
				&& a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
	}

	private static int port(URI uri) {
		return (uri.getPort() != -1) ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

}
