package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizationRequestRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationCodeGrantFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * The web front end of the authorization code flow, to add to the application's own security filter chain (the one
 * that signs its users in and serves the pages that call MCP servers):
 *
 * <pre class="code">
 * &#64;Bean
 * SecurityFilterChain app(HttpSecurity http, McpOAuthClientWebSecurity mcpClients) throws Exception {
 *     http.authorizeHttpRequests((requests) -&gt; requests.anyRequest().authenticated()).formLogin(withDefaults());
 *     return mcpClients.applyTo(http).build();
 * }
 * </pre>
 *
 * It adds Spring Security's own filters, over the flow's run-time client registrations and token store
 * ({@link AuthorizationCodeState}): an {@link OAuth2AuthorizationRequestRedirectFilter} that turns the
 * {@code ClientAuthorizationRequiredException} of a call needing the user's authorization
 * ({@link WebAuthorizationCodeUserAgent}) into a redirect to the authorization server, with the request the flow
 * built ({@link McpAuthorizationRequestResolver}) saved in the session; at the registrations' {@code redirect-uri}s,
 * {@link McpAuthorizationResponseFilter} (RFC 9207 {@code iss} and the other checks of the headless flow) and an
 * {@link OAuth2AuthorizationCodeGrantFilter}, which checks the {@code state}, exchanges the code (with
 * {@code resource}) and stores the tokens in the {@code OAuth2AuthorizedClientService} under the signed-in user's
 * {@link ResourceOwnerKey} (the kind of authentication and the name, by default), then sends the browser back to the page that needed them. Each call of {@link #applyTo} makes new filters:
 * apply it to as many chains as need it. The chain must keep a session (the request waits there for the answer).
 */
public final class McpOAuthClientWebSecurity {

	private final AuthorizationCodeState state;

	private final Set<String> callbackPaths;

	private final AuthorizationRequestRepository<OAuth2AuthorizationRequest> authorizationRequests;

	/**
	 * @param state the flow's client registrations, token store and waiting authorization requests
	 * @param redirectUris the {@code redirect-uri}s of the authorization-code registrations
	 */
	public McpOAuthClientWebSecurity(AuthorizationCodeState state, Collection<URI> redirectUris) {
		this.state = state;
		this.authorizationRequests = new HttpSessionOAuth2AuthorizationRequestRepository();
		this.callbackPaths = new LinkedHashSet<>();
		redirectUris.forEach((uri) -> this.callbackPaths.add((uri.getRawPath() == null || uri.getRawPath().isEmpty())
				? "/" : uri.getRawPath()));
	}

	/**
	 * Add the redirect and the callback of the MCP registrations to a chain.
	 * @param http the chain's builder
	 * @return the builder
	 */
	public HttpSecurity applyTo(HttpSecurity http) {
		OAuth2AuthorizationRequestRedirectFilter redirect = new OAuth2AuthorizationRequestRedirectFilter(
				new McpAuthorizationRequestResolver(this.state));
		redirect.setAuthorizationRequestRepository(this.authorizationRequests);
		OAuth2AuthorizationCodeGrantFilter callback = new OAuth2AuthorizationCodeGrantFilter(
				this.state.clientRegistrations(),
				new ResourceOwnerAuthorizedClientRepository(this.state),
				new ProviderManager(new OAuth2AuthorizationCodeAuthenticationProvider(
						new McpAuthorizationCodeTokenResponseClient(this.state))));
		callback.setAuthorizationRequestRepository(this.authorizationRequests);
		return http.addFilter(redirect)
			.addFilter(callback)
			.addFilterBefore(new McpAuthorizationResponseFilter(this.state, this.callbackPaths,
					this.authorizationRequests),
					OAuth2AuthorizationCodeGrantFilter.class);
	}

	@Override
	public String toString() {
		return "McpOAuthClientWebSecurity" + this.callbackPaths;
	}

}
