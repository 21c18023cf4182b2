package dev.mcpoauth.client.authorizationcode;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * The {@link OAuth2AuthorizationRequestResolver} of the MCP registrations' redirect filter: for a client registration
 * made at run time ({@link McpClientRegistrationRepository}), the authorization request the flow built for the
 * signed-in user when their call needed it ({@link AuthorizationCodeProvider}: PKCE S256 through
 * {@code OAuth2AuthorizationRequestCustomizers.withPkce()}, RFC 8707 {@code resource}, the scopes of the challenge,
 * a random {@code state}, the configured {@code redirect-uri}). It resolves nothing from a request path: an
 * authorization starts only from a call that needs one, where the scopes and the resource are known; another user's
 * request (another {@link ResourceOwnerKey}: another name, or the same name signed in another way) is never handed
 * out.
 */
final class McpAuthorizationRequestResolver implements OAuth2AuthorizationRequestResolver {

	private final AuthorizationCodeState state;

	private final SecurityContextHolderStrategy securityContexts = SecurityContextHolder.getContextHolderStrategy();

	McpAuthorizationRequestResolver(AuthorizationCodeState state) {
		this.state = state;
	}

	@Override
	public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
		return null;
	}

	@Override
	public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String clientRegistrationId) {
		String user = WebAuthorizationCodeUserAgent.signedInUser(this.state, this.securityContexts);
		return (user != null) ? this.state.awaiting(clientRegistrationId, user) : null;
	}

}
