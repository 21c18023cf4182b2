package dev.mcpoauth.client.authorizationcode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.mcpoauth.ExpiringCache;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

/**
 * What the authorization code flow keeps at run time, shared by its two front ends (the headless user agent and a
 * web application's redirect and callback): the client registrations made per registration and authorization server,
 * the {@link OAuth2AuthorizedClientService} holding the tokens per resource owner, the token client of each client
 * registration (the callback exchanges a code with it), and the authorization requests waiting for a user's browser
 * to take them to the authorization server (held {@link #AWAIT_LIMIT} at most, per registration and user), and the
 * {@link ResourceOwnerKey} naming the user in all of these (one key in one place: the waiting requests, the redirect,
 * the callback, the token store and the token slots all use {@link #resourceOwner(Authentication)}).
 */
public final class AuthorizationCodeState {

	/** How long an authorization request waits for the user's browser to be redirected with it. */
	static final Duration AWAIT_LIMIT = Duration.ofMinutes(5);

	private final McpClientRegistrationRepository clientRegistrations;

	private final OAuth2AuthorizedClientService authorizedClients;

	private final Map<String, AuthorizationCodeTokenClient> tokenClients = new ConcurrentHashMap<>();

	private final ExpiringCache<OAuth2AuthorizationRequest> awaiting = new ExpiringCache<>(10_000);

	private final Clock clock;

	private final ResourceOwnerKey resourceOwnerKey;

	/**
	 * With the {@linkplain ResourceOwnerKey#typeAndName() default resource owner key}.
	 * @param factory makes the token store over the flow's client registrations
	 * @param clock the clock
	 */
	public AuthorizationCodeState(McpAuthorizedClientServiceFactory factory, Clock clock) {
		this(factory, clock, ResourceOwnerKey.typeAndName());
	}

	/**
	 * @param factory makes the token store over the flow's client registrations
	 * @param clock the clock
	 * @param resourceOwnerKey the key of a signed-in user, wherever the web front end names one
	 */
	public AuthorizationCodeState(McpAuthorizedClientServiceFactory factory, Clock clock,
			ResourceOwnerKey resourceOwnerKey) {
		this.clientRegistrations = new McpClientRegistrationRepository();
		this.authorizedClients = factory.create(this.clientRegistrations);
		this.clock = clock;
		this.resourceOwnerKey = resourceOwnerKey;
	}

	/**
	 * The resource owner of a web request: the {@link ResourceOwnerKey} of its signed-in user.
	 * @param authentication the authentication, or {@code null}
	 * @return the key, or {@code null} when nobody is signed in (or only anonymously)
	 */
	public String resourceOwner(Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		String key = this.resourceOwnerKey.key(authentication);
		if (key == null || key.isEmpty()) {
			throw new IllegalStateException("The ResourceOwnerKey " + this.resourceOwnerKey
					+ " names no resource owner for a signed-in user");
		}
		return key;
	}

	/** @return the client registrations made at run time */
	public McpClientRegistrationRepository clientRegistrations() {
		return this.clientRegistrations;
	}

	/** @return where tokens are kept, per client registration and resource owner */
	public OAuth2AuthorizedClientService authorizedClients() {
		return this.authorizedClients;
	}

	void register(String registrationId, AuthorizationCodeTokenClient tokenClient) {
		this.tokenClients.put(registrationId, tokenClient);
	}

	AuthorizationCodeTokenClient tokenClient(String registrationId) {
		return this.tokenClients.get(registrationId);
	}

	/**
	 * Hold an authorization request built by {@link AuthorizationCodeProvider} until the browser of its resource
	 * owner is redirected with it; a newer one for the same registration and user replaces it.
	 * @param request the request
	 */
	void await(OAuth2AuthorizationRequest request) {
		Instant now = this.clock.instant();
		this.awaiting.put(key(request.getAttribute(OAuth2ParameterNames.REGISTRATION_ID),
				request.getAttribute(AuthorizationCodeProvider.RESOURCE_OWNER)), request, now.plus(AWAIT_LIMIT), now);
	}

	/**
	 * @param registrationId a client registration id
	 * @param resourceOwner the signed-in user's key ({@link #resourceOwner(Authentication)})
	 * @return the request waiting for that user's browser, or {@code null}
	 */
	OAuth2AuthorizationRequest awaiting(String registrationId, String resourceOwner) {
		return this.awaiting.get(key(registrationId, resourceOwner), this.clock.instant());
	}

	private static String key(String registrationId, String resourceOwner) {
		return registrationId + "\n" + resourceOwner;
	}

	@Override
	public String toString() {
		return "AuthorizationCodeState[" + this.clientRegistrations + "]";
	}

}
