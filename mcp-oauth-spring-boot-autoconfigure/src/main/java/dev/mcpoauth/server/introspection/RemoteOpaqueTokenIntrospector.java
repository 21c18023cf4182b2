package dev.mcpoauth.server.introspection;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.mcpoauth.discovery.BoundedClientHttpRequestFactory;
import dev.mcpoauth.discovery.BoundedHttpClient;
import dev.mcpoauth.observation.McpOAuthObservations;
import dev.mcpoauth.server.introspection.IntrospectedTokenRules.RefusedTokenException;

import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.introspection.RestClientOpaqueTokenIntrospector;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Introspects tokens (RFC 7662) with Spring Security's {@link RestClientOpaqueTokenIntrospector}, within bounds:
 * every call, discovery of the endpoint included, ends within the timeout (the HTTP exchange is cancelled at the
 * deadline, {@link BoundedHttpClient}), answers over the size limit are refused, redirects are not followed (they
 * would carry the token and the credentials elsewhere), and the client authenticates as configured
 * ({@link IntrospectionClientAuthentication}), with {@code token_type_hint=access_token}. The answer passes
 * {@link IntrospectedTokenRules}.
 *
 * <p>The token never reaches a log: Spring's {@code RestClient} writes a request body's {@code toString()} to its
 * DEBUG log, so Spring Security's introspector is handed a placeholder, and the form converter of each call writes
 * the real token (and the client's credentials) only into the request's bytes. Were the placeholder ever sent, the
 * authorization server would answer that it is not active.
 *
 * <p>A refused token is a {@link BadOpaqueTokenException} whose message is the description for the client. Any
 * other failure (the endpoint down, slow, answering an error status, something other than a JSON object, or too
 * much) is an {@link OAuth2IntrospectionException} whose message says what happened without quoting the answer or
 * the token, for the log; it never escapes as another exception.
 */
public final class RemoteOpaqueTokenIntrospector implements OpaqueTokenIntrospector {

	/** The largest introspection answer read, in bytes. */
	public static final int SIZE_LIMIT = 64 * 1024;

	/** What Spring Security's introspector, and with it any log of the request body, sees instead of the token. */
	private static final String PLACEHOLDER = "(hidden)";

	private final IntrospectionEndpoint endpoint;

	private final IntrospectedTokenRules rules;

	private final Duration timeout;

	private final IntrospectionClientAuthentication client;

	private final BoundedHttpClient http;

	private final JacksonJsonHttpMessageConverter json = new JacksonJsonHttpMessageConverter();

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * @param endpoint where tokens are introspected
	 * @param client how the MCP server authenticates there
	 * @param rules the rules the answer must pass
	 * @param connectTimeout the connect timeout
	 * @param timeout the longest a call may take, discovery of the endpoint and the whole answer included
	 */
	public RemoteOpaqueTokenIntrospector(IntrospectionEndpoint endpoint, IntrospectionClientAuthentication client,
			IntrospectedTokenRules rules, Duration connectTimeout, Duration timeout) {
		this.endpoint = endpoint;
		this.rules = rules;
		this.timeout = timeout;
		this.client = client;
		this.http = new BoundedHttpClient(connectTimeout, HttpClient.Redirect.NEVER, SIZE_LIMIT);
	}

	/**
	 * Observe every call ({@value McpOAuthObservations#INTROSPECTIONS}, by outcome: {@code active},
	 * {@code inactive}, {@code refused} by the rules, {@code failure}); without a registry nothing is observed.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	@Override
	public OAuth2AuthenticatedPrincipal introspect(String token) {
		Observation observation = Observation.createNotStarted(McpOAuthObservations.INTROSPECTIONS,
				this.observationRegistry);
		if (observation.isNoop()) {
			return call(token);
		}
		observation.start();
		String outcome = "failure";
		try (Observation.Scope scope = observation.openScope()) {
			OAuth2AuthenticatedPrincipal principal = call(token);
			outcome = "active";
			return principal;
		}
		catch (RefusedTokenException ex) {
			outcome = RefusedTokenException.INACTIVE.equals(ex.getMessage()) ? "inactive" : "refused";
			throw ex;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue(McpOAuthObservations.OUTCOME, outcome).stop();
		}
	}

	private OAuth2AuthenticatedPrincipal call(String token) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		String uri;
		try {
			uri = this.endpoint.resolve(this.timeout).toString();
		}
		catch (RuntimeException ex) {
			throw (ex instanceof OAuth2IntrospectionException failure) ? failure
					: new OAuth2IntrospectionException("No introspection endpoint: " + ex.getMessage());
		}
		Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
		if (remaining.isNegative() || remaining.isZero()) {
			throw new OAuth2IntrospectionException("No time left to introspect after discovering " + uri);
		}
		RestClient bounded = RestClient.builder()
			.requestFactory(new BoundedClientHttpRequestFactory(this.http, remaining))
			.configureMessageConverters((converters) -> converters
				.addCustomConverter(new IntrospectionFormConverter(token, this.client))
				.addCustomConverter(this.json))
			.build();
		RestClientOpaqueTokenIntrospector introspector = new RestClientOpaqueTokenIntrospector(uri, bounded);
		introspector.setAuthenticationConverter(this.rules);
		try {
			return introspector.introspect(PLACEHOLDER);
		}
		catch (RefusedTokenException ex) {
			throw ex;
		}
		catch (BadOpaqueTokenException ex) {
			// Spring Security's own refusal: the answer said active=false, or had no active member
			throw new RefusedTokenException(RefusedTokenException.INACTIVE);
		}
		catch (OAuth2IntrospectionException ex) {
			throw new OAuth2IntrospectionException(describe(ex, uri));
		}
		catch (RuntimeException ex) {
			throw new OAuth2IntrospectionException(
					"The answer of " + uri + " is not a valid introspection response (" + ex.getClass().getSimpleName() + ")");
		}
	}

	/** What went wrong, without the answer's body (an error body might quote the request, token included). */
	private static String describe(OAuth2IntrospectionException ex, String uri) {
		Throwable cause = ex.getCause();
		if (cause == null) {
			return "Introspecting at " + uri + " failed: " + ex.getMessage();
		}
		if (cause instanceof RestClientResponseException status) {
			int code = status.getStatusCode().value();
			return "The introspection endpoint " + uri + " answered HTTP " + code
					+ ((code == 401) ? " (check the introspection client's credentials)" : "");
		}
		if (cause instanceof ResourceAccessException io && io.getCause() instanceof IOException failure) {
			return "No answer from the introspection endpoint " + uri + ": " + failure.getClass().getSimpleName()
					+ ((failure.getMessage() != null) ? " " + failure.getMessage() : "");
		}
		if (cause instanceof RestClientException) {
			return "The answer of " + uri + " is not a JSON object (" + cause.getClass().getSimpleName() + ")";
		}
		return "Introspecting at " + uri + " failed: " + cause.getClass().getSimpleName() + " " + cause.getMessage();
	}

	@Override
	public String toString() {
		return "RemoteOpaqueTokenIntrospector[" + this.endpoint + "]";
	}

	/**
	 * Writes the introspection form built by Spring Security ({@code token=<placeholder>}) with the real token, the
	 * hint and the client's authentication, so that none of them is in the object a log would print, and every
	 * client authentication method goes through one place.
	 */
	private static final class IntrospectionFormConverter extends FormHttpMessageConverter {

		private final String token;

		private final IntrospectionClientAuthentication client;

		IntrospectionFormConverter(String token, IntrospectionClientAuthentication client) {
			this.token = token;
			this.client = client;
		}

		@Override
		public void write(MultiValueMap<String, ?> map, MediaType contentType, HttpOutputMessage outputMessage)
				throws IOException {
			MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
			map.forEach((name, values) -> form.addAll(name, new ArrayList<>(values)));
			form.set("token", this.token);
			form.set("token_type_hint", "access_token");
			this.client.apply(outputMessage.getHeaders(), form);
			super.write(form, contentType, outputMessage);
		}

	}

}
