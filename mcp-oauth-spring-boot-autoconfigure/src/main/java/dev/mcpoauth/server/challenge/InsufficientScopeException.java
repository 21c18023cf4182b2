package dev.mcpoauth.server.challenge;

import java.util.List;

import org.springframework.security.access.AccessDeniedException;

/**
 * A valid access token lacks scopes the request needs. Carries every scope the request needs, so the 403 challenge
 * can name them all.
 */
public class InsufficientScopeException extends AccessDeniedException {

	private final List<String> requiredScopes;

	/**
	 * @param requiredScopes every scope the request needs
	 */
	public InsufficientScopeException(List<String> requiredScopes) {
		super("The access token lacks a required scope");
		this.requiredScopes = List.copyOf(requiredScopes);
	}

	/**
	 * @return every scope the request needs
	 */
	public List<String> getRequiredScopes() {
		return this.requiredScopes;
	}

}
