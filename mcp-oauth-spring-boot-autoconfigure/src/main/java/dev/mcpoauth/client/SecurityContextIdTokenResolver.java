package dev.mcpoauth.client;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Reads the ID token of the user signed in with Spring Security's {@code oauth2Login}.
 */
public final class SecurityContextIdTokenResolver implements IdTokenResolver {

	@Override
	public String resolveIdToken() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof OidcUser user
				&& user.getIdToken() != null) {
			return user.getIdToken().getTokenValue();
		}
		return null;
	}

}
