package dev.mcpoauth.client;

/**
 * Supplies the ID token of the user on whose behalf the cross-app-access flow gets tokens. The default reads the
 * OpenID Connect ID token of the current Spring Security user ({@code oauth2Login}); declare a bean of this type to
 * take it from elsewhere.
 */
@FunctionalInterface
public interface IdTokenResolver {

	/**
	 * @return the current user's ID token, or {@code null} when there is none
	 */
	String resolveIdToken();

}
