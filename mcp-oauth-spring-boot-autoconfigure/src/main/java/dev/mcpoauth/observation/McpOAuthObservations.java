package dev.mcpoauth.observation;

/**
 * The names and low-cardinality keys of the starter's Micrometer observations, in one place. Each observation
 * becomes, with Spring Boot Actuator's default handler, a timer of the same name (count, total time, max) and a
 * long task timer {@code <name>.active}; tracing sees it as a span. No key ever holds a token, a secret, a subject
 * or any other user identifier: values come from fixed sets, configured registration names, or the host of an
 * authorization server.
 */
public final class McpOAuthObservations {

	/**
	 * An access token checked by the MCP server (one per request with a token), with {@link #OUTCOME}
	 * ({@code accepted}, {@code refused}, {@code unchecked}), {@link #REASON} and {@link #METHOD}.
	 */
	public static final String TOKEN_VALIDATIONS = "mcp.oauth.server.token.validations";

	/** A JWK Set fetched over the network, with {@link #OUTCOME} ({@code success}, {@code failure}). */
	public static final String JWKS_FETCHES = "mcp.oauth.server.jwks.fetches";

	/**
	 * A token introspection call (RFC 7662), with {@link #OUTCOME} ({@code active}, {@code inactive},
	 * {@code refused}, {@code failure}).
	 */
	public static final String INTROSPECTIONS = "mcp.oauth.server.introspections";

	/**
	 * An HTTP request of an MCP client to an authorization server (token requests, and dynamic client
	 * registration), with Spring's HTTP client keys ({@code outcome}, {@code status}, {@code method},
	 * {@code client.name}, {@code exception}, {@code uri}) and {@link #REGISTRATION} and {@link #ENDPOINT}.
	 */
	public static final String CLIENT_TOKEN_REQUESTS = "mcp.oauth.client.token.requests";

	/** Key: how it ended. */
	public static final String OUTCOME = "outcome";

	/** Key: why a token was refused or could not be checked, {@code none} when accepted. */
	public static final String REASON = "reason";

	/** Key: how a token was checked, {@code jwt} (verified locally) or {@code introspection}. */
	public static final String METHOD = "method";

	/** Key: the client registration's name (configuration, under {@code mcp.oauth.client.registrations}). */
	public static final String REGISTRATION = "registration";

	/** Key: which endpoint of the authorization server, {@code token} or {@code registration}. */
	public static final String ENDPOINT = "endpoint";

	private McpOAuthObservations() {
	}

}
