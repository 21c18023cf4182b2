package dev.mcpoauth.server.introspection;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.mcpoauth.client.token.ClientAssertionFactory;
import dev.mcpoauth.client.token.ClientAssertionFactory.ClientAssertionRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;

/**
 * How the MCP server authenticates itself to the introspection endpoint (RFC 7662 section 2.1 requires it):
 * {@code client_secret_basic} (the form-encoded id and secret in an HTTP Basic header, RFC 6749 section 2.3.1),
 * {@code client_secret_post} (both in the form), or {@code private_key_jwt} (a fresh RFC 7523 client assertion per
 * request, from the client side's {@link ClientAssertionFactory}, whose {@code aud} is the authorization server's
 * issuer identifier). {@link #toString()} never shows the secret.
 */
public abstract class IntrospectionClientAuthentication {

	/** Name of the registration the client assertions are signed for. */
	public static final String ASSERTION_REGISTRATION = "mcp.oauth.server.introspection";

	private static final String CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private final String method;

	private final String clientId;

	private IntrospectionClientAuthentication(String method, String clientId) {
		this.method = method;
		this.clientId = clientId;
	}

	/**
	 * {@code client_secret_basic}.
	 * @param clientId the client id
	 * @param clientSecret the client secret
	 * @return the client authentication
	 */
	public static IntrospectionClientAuthentication clientSecretBasic(String clientId, String clientSecret) {
		return new IntrospectionClientAuthentication("client_secret_basic", clientId) {

			@Override
			void apply(HttpHeaders headers, MultiValueMap<String, Object> form) {
				headers.setBasicAuth(URLEncoder.encode(clientId, StandardCharsets.UTF_8),
						URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
			}

		};
	}

	/**
	 * {@code client_secret_post}.
	 * @param clientId the client id
	 * @param clientSecret the client secret
	 * @return the client authentication
	 */
	public static IntrospectionClientAuthentication clientSecretPost(String clientId, String clientSecret) {
		return new IntrospectionClientAuthentication("client_secret_post", clientId) {

			@Override
			void apply(HttpHeaders headers, MultiValueMap<String, Object> form) {
				form.set("client_id", clientId);
				form.set("client_secret", clientSecret);
			}

		};
	}

	/**
	 * {@code private_key_jwt}.
	 * @param clientId the client id
	 * @param issuer the authorization server's issuer identifier, the {@code aud} of the assertions
	 * @param assertions signs the assertions
	 * @param lifetime how long an assertion is valid
	 * @return the client authentication
	 */
	public static IntrospectionClientAuthentication privateKeyJwt(String clientId, URI issuer,
			ClientAssertionFactory assertions, Duration lifetime) {
		return new IntrospectionClientAuthentication("private_key_jwt", clientId) {

			@Override
			void apply(HttpHeaders headers, MultiValueMap<String, Object> form) {
				form.set("client_id", clientId);
				form.set("client_assertion_type", CLIENT_ASSERTION_TYPE);
				form.set("client_assertion", assertions
					.createAssertion(new ClientAssertionRequest(ASSERTION_REGISTRATION, clientId, issuer, lifetime)));
			}

		};
	}

	/**
	 * Authenticate an introspection request.
	 * @param headers its headers
	 * @param form its form parameters
	 */
	abstract void apply(HttpHeaders headers, MultiValueMap<String, Object> form);

	@Override
	public String toString() {
		return this.method + " as client " + this.clientId;
	}

}
