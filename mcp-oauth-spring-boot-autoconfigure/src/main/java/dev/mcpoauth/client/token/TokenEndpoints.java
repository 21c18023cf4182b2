package dev.mcpoauth.client.token;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;

import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.BearerChallenge;
import dev.mcpoauth.client.dpop.DPoPProofs;
import dev.mcpoauth.observation.McpOAuthObservations;

import org.springframework.core.convert.converter.Converter;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * What the token requests of the client flows share: a {@link RestClient} with timeouts, no redirects and
 * {@link TokenEndpointErrorHandler}, each request observed ({@link TokenRequestObservationConvention}) and its outcome
 * kept for the health check ({@link AuthorizationServerStatus}); Spring Security's client registrations; RFC 8707 {@code resource} on every
 * request; {@code private_key_jwt} through the {@link ClientAssertionFactory} ({@code client_id} stays in the body,
 * as RFC 7523 allows and Spring Authorization Server requires); request bodies that never show a secret or an
 * assertion in a DEBUG log ({@link LogSafeParameters}); the translation of Spring Security's errors into
 * {@link McpOAuthClientException}s that never quote a response body; and, with DPoP, a proof on every token request
 * (signed with the key kept for that authorization server, retried once with the server's nonce) and the refusal of
 * any token that is not DPoP-bound ({@code token_type} other than {@code DPoP}, RFC 9449 section 5).
 */
public final class TokenEndpoints {

	private static final String CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private final String registrationName;

	private final Registration registration;

	private final ClientAssertionFactory assertions;

	private final AuthorizationServerStatus status;

	private final ObservationRegistry observationRegistry;

	private final RestClient restClient;

	private final DPoPProofs dpop;

	/**
	 * Token endpoints whose requests are neither observed nor watched.
	 * @param registrationName the registration name
	 * @param registration the registration
	 * @param assertions signs client assertions
	 * @param connectTimeout connect timeout
	 * @param readTimeout read timeout
	 */
	public TokenEndpoints(String registrationName, Registration registration, ClientAssertionFactory assertions,
			Duration connectTimeout, Duration readTimeout) {
		this(registrationName, registration, assertions, null, connectTimeout, readTimeout,
				new AuthorizationServerStatus(Clock.systemUTC()), ObservationRegistry.NOOP);
	}

	/**
	 * @param registrationName the registration name
	 * @param registration the registration
	 * @param assertions signs client assertions
	 * @param dpop the registration's DPoP proofs, or {@code null} for bearer tokens
	 * @param connectTimeout connect timeout
	 * @param readTimeout read timeout
	 * @param status keeps whether the authorization server answered the registration's last request
	 * @param observationRegistry observes the requests ({@value McpOAuthObservations#CLIENT_TOKEN_REQUESTS})
	 */
	public TokenEndpoints(String registrationName, Registration registration, ClientAssertionFactory assertions,
			DPoPProofs dpop, Duration connectTimeout, Duration readTimeout, AuthorizationServerStatus status,
			ObservationRegistry observationRegistry) {
		this.registrationName = registrationName;
		this.registration = registration;
		this.assertions = assertions;
		this.dpop = dpop;
		this.status = status;
		this.observationRegistry = observationRegistry;
		status.useRequestFactory(requestFactory(connectTimeout, readTimeout));
		this.restClient = restClient(connectTimeout, readTimeout,
				(dpop != null) ? dpopBoundResponses(registrationName) : null);
	}

	/**
	 * Reads token responses as Spring Security does, after refusing any whose {@code token_type} is not
	 * {@code DPoP}: a client that asked for a DPoP-bound token does not use a bearer token instead (RFC 9449 section
	 * 5).
	 */
	private static Converter<Map<String, Object>, OAuth2AccessTokenResponse> dpopBoundResponses(
			String registrationName) {
		DefaultMapOAuth2AccessTokenResponseConverter standard = new DefaultMapOAuth2AccessTokenResponseConverter();
		return (parameters) -> {
			Object type = parameters.get(OAuth2ParameterNames.TOKEN_TYPE);
			if (!(type instanceof String value) || !"DPoP".equalsIgnoreCase(value)) {
				throw new McpOAuthClientException(registrationName, "invalid_token_type",
						"The authorization server issued a token of type '"
								+ BearerChallenge.printable(String.valueOf(type), 32)
								+ "' when a DPoP-bound token was asked for; it is not used (RFC 9449 section 5)",
						200);
			}
			return standard.convert(parameters);
		};
	}

	/**
	 * A {@link RestClient} for token endpoints, observed and watched as this registration's.
	 * @param connectTimeout connect timeout
	 * @param readTimeout read timeout
	 * @param responseConverter reads token responses, or {@code null} for Spring Security's standard one
	 * @return the client
	 */
	RestClient restClient(Duration connectTimeout, Duration readTimeout,
			Converter<Map<String, Object>, OAuth2AccessTokenResponse> responseConverter) {
		OAuth2AccessTokenResponseHttpMessageConverter tokenResponses = new OAuth2AccessTokenResponseHttpMessageConverter();
		if (responseConverter != null) {
			tokenResponses.setAccessTokenResponseConverter(responseConverter);
		}
		return builder(connectTimeout, readTimeout, "token")
			.configureMessageConverters((converters) -> {
				converters.addCustomConverter(new FormHttpMessageConverter());
				converters.addCustomConverter(tokenResponses);
			})
			.build();
	}

	/**
	 * What every {@link RestClient} of this registration to an authorization server has: the request factory,
	 * the error handler, the observation and the status.
	 */
	private RestClient.Builder builder(Duration connectTimeout, Duration readTimeout, String endpoint) {
		return RestClient.builder()
			.requestFactory(requestFactory(connectTimeout, readTimeout))
			.requestInterceptor(this.status)
			.observationRegistry(this.observationRegistry)
			.observationConvention(new TokenRequestObservationConvention(this.registrationName, endpoint))
			.defaultStatusHandler((status) -> status.isError(), new TokenEndpointErrorHandler(this.registrationName));
	}

	/** @return the {@link RestClient} of this registration's token requests */
	public RestClient restClient() {
		return this.restClient;
	}

	/** @return the registration name */
	public String registrationName() {
		return this.registrationName;
	}

	/** @return the registration */
	public Registration registration() {
		return this.registration;
	}

	/**
	 * The client's registration at the MCP server's authorization server.
	 * @param target the token endpoint
	 * @param grantType the grant
	 * @param scopes the scopes to request
	 * @return the registration
	 */
	ClientRegistration clientRegistration(TokenEndpointTarget target, AuthorizationGrantType grantType,
			Set<String> scopes) {
		return ClientRegistration.withRegistrationId(this.registrationName)
			.clientId(this.registration.getClientId())
			.clientSecret(this.registration.getClientSecret())
			.clientAuthenticationMethod(target.clientAuthentication())
			.authorizationGrantType(grantType)
			.tokenUri(target.tokenEndpoint().toString())
			.issuerUri(target.issuer().toString())
			.scope(scopes)
			.build();
	}

	/**
	 * Use this registration's {@link RestClient} (with DPoP, one that adds proofs for the target's authorization
	 * server), and add {@code resource} (unless switched off), the configured extra
	 * parameters, and {@code private_key_jwt} client authentication when the target uses it; the values stay out of
	 * logs ({@link LogSafeParameters}).
	 * @param <T> the grant request type
	 * @param client a Spring Security token response client
	 * @param target the token endpoint
	 */
	public <T extends AbstractOAuth2AuthorizationGrantRequest> void configureForTarget(
			AbstractRestClientOAuth2AccessTokenResponseClient<T> client, TokenEndpointTarget target) {
		client.setRestClient((this.dpop != null)
				? this.restClient.mutate().requestInterceptor(this.dpop.tokenRequests(target.issuer())).build()
				: this.restClient);
		boolean privateKeyJwt = ClientAuthenticationMethod.PRIVATE_KEY_JWT.equals(target.clientAuthentication());
		client.addParametersConverter((grantRequest) -> {
			MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
			if (this.registration.isSendResourceParameter()) {
				parameters.set("resource", target.resource().toString());
			}
			this.registration.getTokenRequestParameters().forEach(parameters::set);
			if (privateKeyJwt) {
				parameters.set(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE, CLIENT_ASSERTION_TYPE);
				parameters.set(OAuth2ParameterNames.CLIENT_ASSERTION,
						this.assertions.createAssertion(new ClientAssertionFactory.ClientAssertionRequest(
								this.registrationName, this.registration.getClientId(), target.issuer(),
								this.registration.getAssertionLifetime())));
			}
			return parameters;
		});
		client.setParametersCustomizer(LogSafeParameters::hideConfidentialValues);
	}

	/**
	 * Run a token request, translating Spring Security's errors. With DPoP, an answer {@code use_dpop_nonce} (RFC
	 * 9449 section 8; its nonce is kept by the proofs' interceptor) gets one retry of the whole grant request, so
	 * that the retry is built anew: a new proof carrying the nonce, and with {@code private_key_jwt} a newly signed
	 * client assertion (a fresh {@code jti}), never the first request's body sent twice.
	 * @param <T> what the request gives: the token response, or the result of a Spring Security provider that
	 * makes the token request
	 * @param request the request
	 * @return the token response
	 */
	public <T> T exchange(java.util.function.Supplier<T> request) {
		try {
			return request.get();
		}
		catch (OAuth2AuthorizationException | McpOAuthClientException ex) {
			McpOAuthClientException refusal = (ex instanceof OAuth2AuthorizationException oauth) ? translate(oauth)
					: (McpOAuthClientException) ex;
			if (this.dpop == null || !"use_dpop_nonce".equals(refusal.getError())) {
				throw refusal;
			}
		}
		try {
			return request.get();
		}
		catch (OAuth2AuthorizationException ex) {
			throw translate(ex);
		}
	}

	/**
	 * Spring Security's error of a token request as a {@link McpOAuthClientException} that never quotes the
	 * response body; a refusal of this library found among its causes (a token that is not DPoP-bound) as it is.
	 * @param ex the error
	 * @return the exception to throw
	 */
	public McpOAuthClientException translate(OAuth2AuthorizationException ex) {
		for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
			if (cause instanceof McpOAuthClientException refusal) {
				return refusal;
			}
		}
		if (ex.getCause() instanceof ResourceAccessException unreachable) {
			return new McpOAuthClientException(this.registrationName, "token_endpoint_unreachable",
					unreachable.getMessage(), 0);
		}
		return new McpOAuthClientException(this.registrationName, ex.getError().getErrorCode(),
				"The token endpoint's answer is not a valid token response", 0);
	}

	/**
	 * A {@link RestClient} for the other requests this registration makes to an authorization server (dynamic
	 * client registration): timeouts, no redirects, OAuth error answers as {@link McpOAuthClientException}s, observed
	 * and watched as this registration's.
	 * @param connectTimeout connect timeout
	 * @param readTimeout read timeout
	 * @return the client
	 */
	public RestClient authorizationServerClient(Duration connectTimeout, Duration readTimeout) {
		return builder(connectTimeout, readTimeout, "registration").build();
	}

	/** Requests to an authorization server: the timeouts, and redirects never followed. */
	private static JdkClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
		HttpClient http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(http);
		requestFactory.setReadTimeout(readTimeout);
		return requestFactory;
	}

}
