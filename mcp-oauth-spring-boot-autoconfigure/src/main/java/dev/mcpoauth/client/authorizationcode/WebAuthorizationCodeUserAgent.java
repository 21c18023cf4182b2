package dev.mcpoauth.client.authorizationcode;

import java.net.URI;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

/**
 * The user agent of a servlet web application: every call is for the signed-in user (the {@link ResourceOwnerKey} of
 * the {@link Authentication} in Spring Security's context, through {@link AuthorizationCodeState#resourceOwner}: the
 * kind of authentication and the name by default; no one when nobody is signed in, or anonymously), and an
 * authorization the user has not given sends their browser to the authorization server. It cannot wait for the
 * answer: it keeps the authorization request the flow built ({@link AuthorizationCodeState}) and throws
 * Spring Security's {@link ClientAuthorizationRequiredException}, which reaches the
 * {@code OAuth2AuthorizationRequestRedirectFilter} that {@link McpOAuthClientWebSecurity} adds to the application's
 * security filter chain; that filter saves the request in the session and redirects the browser. The answer comes
 * back to the {@code redirect-uri}, where the callback checks it and stores the tokens; the browser then returns to
 * the page that needed them, whose call now finds them.
 */
public final class WebAuthorizationCodeUserAgent implements AuthorizationCodeUserAgent {

	private final AuthorizationCodeState state;

	private final SecurityContextHolderStrategy securityContexts = SecurityContextHolder.getContextHolderStrategy();

	/**
	 * @param state where the authorization request waits for the browser
	 */
	public WebAuthorizationCodeUserAgent(AuthorizationCodeState state) {
		this.state = state;
	}

	@Override
	public String resourceOwner() {
		return signedInUser(this.state, this.securityContexts);
	}

	/**
	 * The key of the signed-in user, or {@code null} when nobody is signed in (or only anonymously).
	 * @param state the flow's state, which holds the {@link ResourceOwnerKey}
	 * @param securityContexts the security context strategy
	 * @return the key, or {@code null}
	 */
	static String signedInUser(AuthorizationCodeState state, SecurityContextHolderStrategy securityContexts) {
		return state.resourceOwner(securityContexts.getContext().getAuthentication());
	}

	/**
	 * Never returns: keeps the request for the user's browser and throws.
	 * @throws ClientAuthorizationRequiredException always, naming the client registration
	 */
	@Override
	public URI authorize(String registration, OAuth2AuthorizationRequest authorizationRequest) {
		this.state.await(authorizationRequest);
		throw new ClientAuthorizationRequiredException(
				authorizationRequest.getAttribute(OAuth2ParameterNames.REGISTRATION_ID));
	}

	@Override
	public String toString() {
		return "WebAuthorizationCodeUserAgent";
	}

}
