package dev.mcpoauth.client;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Reads the ID token of the user signed in with Spring Security's {@code oauth2Login}, from the
 * {@link SecurityContextHolder} of the calling thread. Transports call it on the caller's thread and carry the
 * value to where the token is requested (see {@link McpAuthorization#currentIdToken()}).
 */
public final class SecurityContextIdTokenResolver implements IdTokenResolver {

	@Override
	public String resolveIdToken() {
		return idToken(SecurityContextHolder.getContext().getAuthentication());
	}

	/**
	 * The ID token of an authentication, wherever its security context was kept (also a Reactor context).
	 * @param authentication the authentication, possibly {@code null}
	 * @return the OpenID Connect ID token of an {@code oauth2Login} user, else {@code null}
	 */
	public static String idToken(Authentication authentication) {
		if (authentication != null && authentication.getPrincipal() instanceof OidcUser user
				&& user.getIdToken() != null) {
			return user.getIdToken().getTokenValue();
		}
		return null;
	}

}
