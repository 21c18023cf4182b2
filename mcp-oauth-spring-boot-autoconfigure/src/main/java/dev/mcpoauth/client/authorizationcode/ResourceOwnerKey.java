package dev.mcpoauth.client.authorizationcode;

import java.util.Map;

import dev.mcpoauth.Digests;

import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;

/**
 * Whose tokens a call of the web front end of the authorization code flow uses: the one key of a signed-in user
 * under which the flow keeps their waiting authorization request ({@link AuthorizationCodeState}), hands it to their
 * browser ({@link McpAuthorizationRequestResolver}), checks the answer ({@link McpAuthorizationResponseFilter}),
 * stores their tokens (the {@code OAuth2AuthorizedClientService}, as the principal name) and caches them (the token
 * slots). {@code Authentication.getName()} alone is not enough: in an application with two ways to sign in, an
 * "alice" of OAuth2 login and an "alice" of form login are different people.
 * <p>
 * The {@linkplain #typeAndName() default} keys on the kind of authentication and the name. Declare a bean of this
 * type to key otherwise (for example on a stable user id of your own). A key must be the same for every sign-in of
 * the same user, different for different users, and hold no secret (it is stored with the tokens, and may be logged).
 */
@FunctionalInterface
public interface ResourceOwnerKey {

	/**
	 * @param authentication a signed-in (not anonymous) user's authentication
	 * @return the key of that user, never {@code null}
	 */
	String key(Authentication authentication);

	/**
	 * The default key: the hex SHA-256 ({@link Digests}) of the kind of authentication and its name. The kind is the issuer for
	 * an authentication whose principal carries an {@code iss} claim or attribute (OIDC login, a JWT or an
	 * introspected bearer token), else the client registration id for OAuth2 login, else the class of the
	 * authentication ({@code RememberMeAuthenticationToken} counts as {@code UsernamePasswordAuthenticationToken}:
	 * both come from the same user store).
	 * @return the default key
	 */
	static ResourceOwnerKey typeAndName() {
		return (authentication) -> Digests.sha256(kind(authentication) + "\n" + authentication.getName());
	}

	private static String kind(Authentication authentication) {
		Object principal = authentication.getPrincipal();
		Object issuer = null;
		if (principal instanceof ClaimAccessor claims) {
			issuer = claims.getClaims().get("iss");
		}
		else if (principal instanceof OAuth2AuthenticatedPrincipal oauth2) {
			Map<String, Object> attributes = oauth2.getAttributes();
			issuer = (attributes != null) ? attributes.get("iss") : null;
		}
		if (issuer != null) {
			return "issuer " + issuer;
		}
		if (authentication instanceof OAuth2AuthenticationToken login) {
			return "oauth2-login " + login.getAuthorizedClientRegistrationId();
		}
		Class<?> type = (authentication instanceof RememberMeAuthenticationToken)
				? UsernamePasswordAuthenticationToken.class : authentication.getClass();
		return "type " + type.getName();
	}

}
