package dev.mcpoauth.client.authorizationcode;

import java.net.URI;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * The resource owner's side of the authorization code flow: who a call is made for, and how their approval of an
 * authorization request is obtained. The starter builds and checks everything else (PKCE, {@code state},
 * {@code resource}, the redirect target, RFC 9207 {@code iss}, the code exchange); an implementation only carries the
 * request to the authorization server and the answer back.
 * <p>
 * The default, {@link HeadlessAuthorizationCodeUserAgent}, follows the authorization request itself, for an
 * authorization server that approves without interaction. A web application's implementation sends the user's
 * browser there instead (for example with Spring Security's {@code OAuth2AuthorizationRequestRedirectFilter}) and
 * takes the answer at its callback ({@link WebAuthorizationCodeUserAgent}, the default of a servlet web application).
 * Declare a bean of this type to replace the default.
 */
public interface AuthorizationCodeUserAgent {

	/**
	 * The resource owner a call made now is for, read on the calling thread. Tokens are kept per resource owner;
	 * the name is the principal name under which the {@code OAuth2AuthorizedClientService} stores them.
	 * @return the resource owner's name, or {@code null} when there is none (the call then fails)
	 */
	String resourceOwner();

	/**
	 * Whether calls are made for several resource owners, so that whom a call is for must be read on the calling
	 * thread and carried to the MCP transport's threads (never read there). The default; a user agent with a single
	 * resource owner (the headless one) says {@code false}.
	 * @return whether the resource owner depends on the calling thread
	 */
	default boolean isPerUser() {
		return true;
	}

	/**
	 * Have the resource owner approve an authorization request, and return where the authorization server sent
	 * them back: its redirect, to the request's {@code redirect_uri}, with the response parameters ({@code code},
	 * {@code state}, {@code iss}, or {@code error}). The caller checks all of it; an implementation neither trusts
	 * nor logs it (it holds the authorization code).
	 * @param registration the registration name
	 * @param authorizationRequest the request; {@link OAuth2AuthorizationRequest#getAuthorizationRequestUri()} is
	 * the URL to send the resource owner to
	 * @return the URI the authorization server redirected to
	 * @throws dev.mcpoauth.client.McpOAuthClientException when no answer can be had
	 */
	URI authorize(String registration, OAuth2AuthorizationRequest authorizationRequest);

}
