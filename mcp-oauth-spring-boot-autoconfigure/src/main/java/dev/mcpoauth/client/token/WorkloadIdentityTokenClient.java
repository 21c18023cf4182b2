package dev.mcpoauth.client.token;

import java.net.URI;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.security.oauth2.client.endpoint.JwtBearerGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientJwtBearerTokenResponseClient;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Workload identity federation (SEP-1933): the platform-issued JWT from the {@link WorkloadIdentityTokenSource},
 * fetched anew for each token request, presented at the MCP server's authorization server with the RFC 7523 JWT
 * bearer grant ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=...}) through Spring
 * Security's {@link RestClientJwtBearerTokenResponseClient}, with RFC 8707 {@code resource} and the client
 * authentication the registration has (none when it has no secret or key). The JWT is checked to be one (not
 * verified: the authorization server does that) and never logged; it is sent only to an authorization server its
 * {@code aud} names (issuer or token endpoint), else refused before any request. A refusal is reported, never retried with
 * another grant.
 */
public final class WorkloadIdentityTokenClient implements McpTokenClient {

	/** A JWS in compact serialization: three base64url segments, none empty (an unsecured JWT is not accepted). */
	private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

	private final TokenEndpoints endpoints;

	private final TokenEndpointTarget target;

	private final WorkloadIdentityTokenSource tokens;

	private final RestClientJwtBearerTokenResponseClient client = new RestClientJwtBearerTokenResponseClient();

	/**
	 * @param endpoints the registration's token-endpoint support
	 * @param target the MCP server's token endpoint
	 * @param tokens supplies the platform-issued JWT
	 */
	public WorkloadIdentityTokenClient(TokenEndpoints endpoints, TokenEndpointTarget target,
			WorkloadIdentityTokenSource tokens) {
		this.endpoints = endpoints;
		this.target = target;
		this.tokens = tokens;
		endpoints.configureForTarget(this.client, target);
	}

	@Override
	public OAuth2AccessTokenResponse requestToken(Set<String> scopes, String subjectToken) {
		Jwt assertion = assertion(this.tokens.workloadToken(this.endpoints.registrationName()));
		JwtBearerGrantRequest grant = new JwtBearerGrantRequest(
				this.endpoints.clientRegistration(this.target, AuthorizationGrantType.JWT_BEARER, scopes), assertion);
		return this.endpoints.exchange(() -> this.client.getTokenResponse(grant));
	}

	/**
	 * The workload JWT as the grant's assertion: only its value is sent, and only a signed JWT in compact
	 * serialization (three base64url segments, RFC 7515 section 7.1) with an algorithm: Nimbus's parser skips
	 * characters outside the alphabet and never decodes the signature, so the shape is checked first.
	 */
	private Jwt assertion(String token) {
		JWT jwt;
		try {
			jwt = (token != null && COMPACT_JWS.matcher(token).matches()) ? JWTParser.parse(token) : null;
		}
		catch (ParseException | RuntimeException ex) {
			// Nimbus throws unchecked exceptions for some malformed headers (a JSON null, say)
			jwt = null;
		}
		if (!(jwt instanceof SignedJWT signed) || signed.getHeader().getAlgorithm().getName().isEmpty()) {
			throw new McpOAuthClientException(this.endpoints.registrationName(), "invalid_workload_token",
					"The workload identity token is not a JWT", 0);
		}
		requireAudience(jwt);
		return Jwt.withTokenValue(token).header("alg", jwt.getHeader().getAlgorithm().getName())
			.claim("token_use", "workload-identity")
			.build();
	}

	/**
	 * The JWT is presented only to an authorization server its {@code aud} names, by issuer identifier or token
	 * endpoint (compared as strings, a trailing slash ignored): without {@code issuer-uri} the authorization server
	 * is the one the MCP server's metadata names, and a hostile MCP server must not collect a platform token minted
	 * for another. The claim is read, never trusted for anything else; the refusal never quotes the JWT.
	 */
	private void requireAudience(JWT jwt) {
		List<String> audience;
		try {
			audience = jwt.getJWTClaimsSet().getAudience();
		}
		catch (ParseException | RuntimeException ex) {
			audience = List.of();
		}
		Set<String> accepted = new HashSet<>();
		for (URI uri : new URI[] { this.target.issuer(), this.target.tokenEndpoint() }) {
			if (uri != null) {
				accepted.add(withoutTrailingSlash(uri.toString()));
			}
		}
		for (String aud : audience) {
			if (aud != null && accepted.contains(withoutTrailingSlash(aud))) {
				return;
			}
		}
		throw new McpOAuthClientException(this.endpoints.registrationName(), "workload_token_audience_mismatch",
				"The workload identity token's aud names neither the authorization server " + this.target.issuer()
						+ " nor its token endpoint; it is not sent there (set issuer-uri, or have the platform mint "
						+ "the token for this authorization server)",
				0);
	}

	private static String withoutTrailingSlash(String value) {
		return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
	}

	@Override
	public String toString() {
		return "WorkloadIdentityTokenClient[" + this.endpoints.registrationName() + ", " + this.target.issuer() + "]";
	}

}
