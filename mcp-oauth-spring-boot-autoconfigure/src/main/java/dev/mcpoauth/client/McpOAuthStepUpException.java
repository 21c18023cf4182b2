package dev.mcpoauth.client;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A step-up failed: the MCP server answered 403 {@code insufficient_scope} asking for scopes, and the authorization
 * server refused a token for them (typically {@code invalid_scope}). Carries the authorization server's error,
 * description and status, and the scopes the MCP server asked for. The registration keeps its token and scopes:
 * calls that need no more go on working.
 */
public class McpOAuthStepUpException extends McpOAuthClientException {

	private final Set<String> challengedScopes;

	/**
	 * @param refusal the authorization server's refusal
	 * @param challengedScopes the scopes of the 403 challenge
	 */
	public McpOAuthStepUpException(McpOAuthClientException refusal, Set<String> challengedScopes) {
		super(refusal.getRegistration(), refusal.getError(),
				description(refusal.getErrorDescription(), challengedScopes), refusal.getHttpStatus());
		this.challengedScopes = Collections.unmodifiableSet(new LinkedHashSet<>(challengedScopes));
	}

	private static String description(String refusal, Set<String> scopes) {
		String stepUp = "step-up to scope '" + String.join(" ", scopes) + "' asked for by the MCP server";
		return (refusal != null) ? refusal + " (" + stepUp + ")" : stepUp;
	}

	/** @return the scopes the MCP server's 403 challenge asked for */
	public Set<String> getChallengedScopes() {
		return this.challengedScopes;
	}

}
