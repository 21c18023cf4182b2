package dev.mcpoauth.client.token;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;

import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClientProperties.CrossAppAccess;

import org.springframework.security.oauth2.client.endpoint.JwtBearerGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientJwtBearerTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientTokenExchangeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.TokenExchangeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Enterprise-managed authorization (SEP-990, "cross-app access"). Step 1, RFC 8693 token exchange at the enterprise
 * identity provider: the user's ID token for an ID-JAG whose audience is the MCP authorization server. Step 2,
 * RFC 7523 JWT bearer grant at the MCP authorization server with the ID-JAG, authenticated as the client there.
 * Both steps go through Spring Security's token response clients; step 1 reads the {@code token_type=N_A} answer
 * that Spring's default converter refuses, and insists on {@code issued_token_type} and {@code typ} of an ID-JAG.
 */
public final class CrossAppAccessTokenClient implements McpTokenClient {

	/** RFC 8693 token exchange grant. */
	static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	/** The ID-JAG token type. */
	static final String ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";

	/** The ID token type. */
	static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

	/** The {@code typ} header of an ID-JAG. */
	static final String ID_JAG_TYP = "oauth-id-jag+jwt";

	private static final DefaultMapOAuth2AccessTokenResponseConverter STANDARD_RESPONSES =
			new DefaultMapOAuth2AccessTokenResponseConverter();

	private final TokenEndpoints endpoints;

	private final TokenEndpointTarget target;

	private final ClientRegistration identityProvider;

	private final RestClientTokenExchangeTokenResponseClient exchange = new RestClientTokenExchangeTokenResponseClient();

	private final RestClientJwtBearerTokenResponseClient jwtBearer = new RestClientJwtBearerTokenResponseClient();

	/**
	 * @param endpoints the registration's token-endpoint support
	 * @param target the MCP server's token endpoint
	 * @param idpTokenUri the identity provider's token endpoint
	 * @param connectTimeout connect timeout
	 * @param readTimeout read timeout
	 */
	public CrossAppAccessTokenClient(TokenEndpoints endpoints, TokenEndpointTarget target, URI idpTokenUri,
			Duration connectTimeout, Duration readTimeout) {
		this.endpoints = endpoints;
		this.target = target;
		CrossAppAccess idp = endpoints.registration().getCrossAppAccess();
		this.identityProvider = ClientRegistration.withRegistrationId(endpoints.registrationName() + "-idp")
			.clientId(idp.getIdpClientId())
			.clientSecret(idp.getIdpClientSecret())
			.clientAuthenticationMethod(idpAuthentication(idp))
			.authorizationGrantType(new AuthorizationGrantType(TOKEN_EXCHANGE))
			.tokenUri(idpTokenUri.toString())
			.build();
		this.exchange.setRestClient(
				endpoints.restClient(connectTimeout, readTimeout, CrossAppAccessTokenClient::readIdJagResponse));
		this.exchange.setParametersCustomizer((parameters) -> {
			parameters.set(OAuth2ParameterNames.REQUESTED_TOKEN_TYPE, ID_JAG);
			parameters.set(OAuth2ParameterNames.SUBJECT_TOKEN_TYPE, ID_TOKEN);
			parameters.set(OAuth2ParameterNames.AUDIENCE, target.issuer().toString());
			parameters.set("resource", target.resource().toString());
			LogSafeParameters.hideConfidentialValues(parameters);
		});
		endpoints.configureForTarget(this.jwtBearer, target);
	}

	private static ClientAuthenticationMethod idpAuthentication(CrossAppAccess idp) {
		if (idp.getIdpClientAuthenticationMethod() != null) {
			return new ClientAuthenticationMethod(idp.getIdpClientAuthenticationMethod());
		}
		return (idp.getIdpClientSecret() != null) ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
				: ClientAuthenticationMethod.NONE;
	}

	@Override
	public OAuth2AccessTokenResponse requestToken(Set<String> scopes, String idToken) {
		if (idToken == null) {
			throw new McpOAuthClientException(this.endpoints.registrationName(), "no_id_token",
					"Cross-app access needs the user's ID token, and none is available (is the user signed in?)", 0);
		}
		String idJag = idJag(scopes, idToken);
		JwtBearerGrantRequest grant = new JwtBearerGrantRequest(
				this.endpoints.clientRegistration(this.target, AuthorizationGrantType.JWT_BEARER, scopes),
				assertion(idJag));
		return this.endpoints.exchange(() -> this.jwtBearer.getTokenResponse(grant));
	}

	private String idJag(Set<String> scopes, String idToken) {
		ClientRegistration idp = ClientRegistration.withClientRegistration(this.identityProvider).scope(scopes).build();
		Instant now = Instant.now();
		OAuth2AccessToken subject = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, idToken, now,
				now.plusSeconds(60));
		OAuth2AccessTokenResponse response = this.endpoints
			.exchange(() -> this.exchange.getTokenResponse(new TokenExchangeGrantRequest(idp, subject, null)));
		Object issuedType = response.getAdditionalParameters().get(OAuth2ParameterNames.ISSUED_TOKEN_TYPE);
		if (!ID_JAG.equals(issuedType)) {
			throw new McpOAuthClientException(this.endpoints.registrationName(), "invalid_token_response",
					"The identity provider issued '" + issuedType + "' instead of an ID-JAG", 0);
		}
		String idJag = response.getAccessToken().getTokenValue();
		if (!ID_JAG_TYP.equals(typ(idJag))) {
			throw new McpOAuthClientException(this.endpoints.registrationName(), "invalid_token_response",
					"The identity provider's token is not typed " + ID_JAG_TYP, 0);
		}
		return idJag;
	}

	private String typ(String token) {
		try {
			JWT jwt = JWTParser.parse(token);
			return (jwt.getHeader().getType() != null) ? jwt.getHeader().getType().getType() : null;
		}
		catch (ParseException ex) {
			return null;
		}
	}

	/** The ID-JAG as the assertion of the JWT bearer grant; only its value is sent. */
	private static Jwt assertion(String idJag) {
		return Jwt.withTokenValue(idJag).header("typ", ID_JAG_TYP).claim("token_use", "id-jag").build();
	}

	/**
	 * Reads a token exchange answer whose {@code token_type} is {@code N_A} (RFC 8693 section 2.2.1), as an ID-JAG
	 * answer is, which Spring Security's converter would refuse.
	 */
	private static OAuth2AccessTokenResponse readIdJagResponse(Map<String, Object> parameters) {
		Map<String, Object> copy = new HashMap<>(parameters);
		Object tokenType = copy.get(OAuth2ParameterNames.TOKEN_TYPE);
		if (tokenType instanceof String type && "N_A".equalsIgnoreCase(type)) {
			copy.put(OAuth2ParameterNames.TOKEN_TYPE, OAuth2AccessToken.TokenType.BEARER.getValue());
		}
		return STANDARD_RESPONSES.convert(copy);
	}

}
