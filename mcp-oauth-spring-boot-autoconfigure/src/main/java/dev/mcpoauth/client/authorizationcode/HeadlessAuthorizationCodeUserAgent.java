package dev.mcpoauth.client.authorizationcode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * The user agent of a client without a user at hand (a batch job, an agent, the conformance client): it sends the
 * authorization request itself, with a plain GET that carries no credentials and follows no redirect, and takes the
 * authorization server's redirect as the answer. That works only with an authorization server that approves this
 * client without interaction (a pre-approved client, an authorization server in front of which the resource owner
 * already authenticated the connection); one that shows a page (a login form, a consent screen) is reported as
 * {@code interaction_required}. Every call is for one resource owner, {@link #RESOURCE_OWNER}: the application.
 * <p>
 * The answer is never followed: the redirect target (the {@code redirect_uri}, typically on loopback, where nothing
 * needs to listen) is read from the {@code Location} header and handed back to be checked.
 */
public final class HeadlessAuthorizationCodeUserAgent implements AuthorizationCodeUserAgent {

	/** The resource owner of every call: the application itself. */
	public static final String RESOURCE_OWNER = "mcp-oauth-application";

	private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

	private final HttpClient http;

	private final Duration readTimeout;

	/**
	 * @param connectTimeout connect timeout of the authorization request
	 * @param readTimeout the longest wait for the authorization server's answer
	 */
	public HeadlessAuthorizationCodeUserAgent(Duration connectTimeout, Duration readTimeout) {
		this.http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		this.readTimeout = readTimeout;
	}

	@Override
	public String resourceOwner() {
		return RESOURCE_OWNER;
	}

	@Override
	public boolean isPerUser() {
		return false;
	}

	@Override
	public URI authorize(String registration, OAuth2AuthorizationRequest authorizationRequest) {
		URI request = URI.create(authorizationRequest.getAuthorizationRequestUri());
		String endpoint = authorizationRequest.getAuthorizationUri();
		HttpResponse<Void> response;
		try {
			response = this.http.send(HttpRequest.newBuilder(request).timeout(this.readTimeout).GET().build(),
					HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException ex) {
			throw new McpOAuthClientException(registration, "authorization_endpoint_unreachable",
					"The authorization endpoint " + endpoint + " could not be reached: " + ex.getClass().getSimpleName(),
					0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new McpOAuthClientException(registration, "authorization_endpoint_unreachable",
					"Interrupted while waiting for the authorization endpoint " + endpoint, 0);
		}
		int status = response.statusCode();
		String location = response.headers().firstValue("Location").orElse(null);
		if (!REDIRECTS.contains(status) || location == null) {
			throw new McpOAuthClientException(registration, "interaction_required", "The authorization endpoint "
					+ endpoint + " answered HTTP " + status + " without a redirect: it asks for the resource owner's "
					+ "interaction (a login or consent page), which the headless user agent cannot give; use an "
					+ "authorization server that approves this client without interaction, or a user agent with a user",
					status);
		}
		try {
			return request.resolve(location);
		}
		catch (IllegalArgumentException ex) {
			throw new McpOAuthClientException(registration, "invalid_request",
					"The authorization endpoint " + endpoint + " redirected to a Location that is not a URI", status);
		}
	}

	@Override
	public String toString() {
		return "HeadlessAuthorizationCodeUserAgent[" + RESOURCE_OWNER + "]";
	}

}
