package dev.mcpoauth.client;

import java.util.Map;
import java.util.Set;

import dev.mcpoauth.client.authorizationcode.McpClientRegistrationRepository;
import dev.mcpoauth.client.transport.McpOAuthClientHttpRequestInterceptor;

/**
 * The registered MCP servers, by name: their {@link McpAuthorization}s, and ready-made request interceptors.
 * Inject it to get a token ({@code clients.authorization("weather").accessToken()}), to secure a
 * {@code RestClient} ({@code builder.requestInterceptor(clients.restClientInterceptor("weather"))}) or a
 * {@code WebClient} ({@code builder.filter(new McpOAuthExchangeFilterFunction(clients.authorization("weather"),
 * clients.maxStepUps()))}).
 */
public final class McpOAuthClients {

	private final Map<String, McpAuthorization> authorizations;

	private final int maxStepUps;

	private final McpClientRegistrationRepository clientRegistrations;

	/**
	 * @param authorizations by registration name
	 * @param maxStepUps how many step-ups a request may go through
	 */
	public McpOAuthClients(Map<String, McpAuthorization> authorizations, int maxStepUps) {
		this(authorizations, maxStepUps, new McpClientRegistrationRepository());
	}

	/**
	 * @param authorizations by registration name
	 * @param maxStepUps how many step-ups a request may go through
	 * @param clientRegistrations the authorization code flow's client registrations
	 */
	public McpOAuthClients(Map<String, McpAuthorization> authorizations, int maxStepUps,
			McpClientRegistrationRepository clientRegistrations) {
		this.authorizations = Map.copyOf(authorizations);
		this.maxStepUps = maxStepUps;
		this.clientRegistrations = clientRegistrations;
	}

	/**
	 * @return the authorization code flow's client registrations, made at run time per registration and
	 * authorization server
	 */
	public McpClientRegistrationRepository clientRegistrations() {
		return this.clientRegistrations;
	}

	/** @return the registration names */
	public Set<String> names() {
		return this.authorizations.keySet();
	}

	/**
	 * @param name a registration name
	 * @return whether it is registered
	 */
	public boolean contains(String name) {
		return this.authorizations.containsKey(name);
	}

	/**
	 * @param name a registration name
	 * @return its authorization
	 * @throws IllegalArgumentException when no such registration exists
	 */
	public McpAuthorization authorization(String name) {
		McpAuthorization authorization = this.authorizations.get(name);
		if (authorization == null) {
			throw new IllegalArgumentException("No MCP registration '" + name + "' under mcp.oauth.client.registrations "
					+ "(known: " + this.authorizations.keySet() + ")");
		}
		return authorization;
	}

	/**
	 * @param name a registration name
	 * @return an interceptor that attaches the registration's token and replays after 401 and 403 step-up
	 */
	public McpOAuthClientHttpRequestInterceptor restClientInterceptor(String name) {
		return new McpOAuthClientHttpRequestInterceptor(authorization(name), this.maxStepUps);
	}

	/** @return how many step-ups a request may go through */
	public int maxStepUps() {
		return this.maxStepUps;
	}

}
