package dev.mcpoauth.server.authentication;

import java.text.ParseException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.observation.McpOAuthObservations;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Authenticates an access token sent to the MCP endpoint, whatever its kind, and checks that it was issued for
 * this resource. A token is verified locally with Spring Security's {@link JwtAuthenticationProvider} when a
 * {@link JwtDecoder} is given and it is a signed JWT (Nimbus parses it as a JWS); otherwise, when an
 * {@link OpaqueTokenIntrospector} is given, it is introspected (RFC 7662) with Spring Security's
 * {@link OpaqueTokenAuthenticationProvider}. A signed JWT that fails verification is refused, never handed to
 * introspection. Either way the result is an {@link AbstractOAuth2TokenAuthenticationToken} with the same
 * {@code SCOPE_} authorities ({@link ScopeAuthoritiesConverter}), and its {@code aud} (RFC 8707) must name one of the
 * accepted audiences: the one audience check, read from {@link AbstractOAuth2TokenAuthenticationToken#getTokenAttributes()}
 * so that it holds whichever decoder or introspector is in use.
 *
 * <p>Every failure becomes an {@link InvalidBearerTokenException} with a short description that never carries the
 * token or internals; a key source or introspection endpoint that cannot be reached, is too slow or answers
 * garbage gives 401 (never 500) and a WARN log without the token.
 */
public final class AccessTokenAuthenticator {

	private static final Log logger = LogFactory.getLog(AccessTokenAuthenticator.class);

	/** The description of a token that could not be checked, whatever the reason. */
	static final String NOT_CHECKED = "The access token could not be checked";

	/** The description of a token issued for another resource. */
	static final String WRONG_AUDIENCE = "The access token was not issued for this resource (aud)";

	/** The description of a sender-constrained token presented as a bearer token. */
	static final String SENDER_CONSTRAINED = "The access token is sender-constrained (cnf) and is not accepted "
			+ "as a bearer token";

	private final JwtAuthenticationProvider jwt;

	private final OpaqueTokenAuthenticationProvider introspection;

	private final List<String> configuredAudiences;

	private final Map<String, List<String>> issuerAudiences;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * @param decoder verifies JWTs locally, or {@code null} to introspect every token
	 * @param jwtConverter turns a verified JWT into an authentication (used with a decoder)
	 * @param introspector introspects what is not verified locally, or {@code null} to verify JWTs only
	 * @param configuredAudiences the accepted audiences; when empty, the resource identifier of the request
	 * @param issuerAudiences the accepted audiences of the tokens of particular issuers (by their verified
	 * {@code iss}), replacing the others for them
	 */
	public AccessTokenAuthenticator(JwtDecoder decoder,
			Converter<Jwt, ? extends AbstractAuthenticationToken> jwtConverter, OpaqueTokenIntrospector introspector,
			List<String> configuredAudiences, Map<String, List<String>> issuerAudiences) {
		this.configuredAudiences = List.copyOf(configuredAudiences);
		this.issuerAudiences = Map.copyOf(issuerAudiences);
		if (decoder == null && introspector == null) {
			throw new IllegalArgumentException("A JWT decoder, an introspector, or both are needed");
		}
		if (decoder != null) {
			this.jwt = new JwtAuthenticationProvider(decoder);
			this.jwt.setJwtAuthenticationConverter(jwtConverter);
		}
		else {
			this.jwt = null;
		}
		if (introspector != null) {
			this.introspection = new OpaqueTokenAuthenticationProvider(introspector);
			this.introspection.setAuthenticationConverter(AccessTokenAuthenticator::introspected);
		}
		else {
			this.introspection = null;
		}
	}

	/**
	 * Observe every check ({@value McpOAuthObservations#TOKEN_VALIDATIONS}, by outcome, {@link TokenRefusalReason}
	 * and method); without a registry nothing is observed.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Authenticate a bearer token and check its audience. Blocks while keys or an introspection answer are fetched:
	 * a reactive caller runs it off the event loop.
	 * @param authentication the {@link BearerTokenAuthenticationToken}
	 * @param resource the resource identifier of the request, the accepted audience when none is configured
	 * @return the authentication
	 * @throws InvalidBearerTokenException when the token is refused or could not be checked
	 */
	public Authentication authenticate(Authentication authentication, Supplier<String> resource) {
		return authenticate(authentication, resource, false);
	}

	/**
	 * Authenticate a token and check its audience, and, when it is presented as a bearer token, that it is not
	 * sender-constrained ({@link #requireBearerToken}). Blocks while keys or an introspection answer are fetched: a
	 * reactive caller runs it off the event loop.
	 * @param authentication the {@link BearerTokenAuthenticationToken}
	 * @param resource the resource identifier of the request, the accepted audience when none is configured
	 * @param bearer whether the token is presented as a bearer token ({@code false} for the access token of a DPoP
	 * request, whose binding the DPoP check verifies)
	 * @return the authentication
	 * @throws InvalidBearerTokenException when the token is refused or could not be checked
	 */
	public Authentication authenticate(Authentication authentication, Supplier<String> resource, boolean bearer) {
		if (!(authentication instanceof BearerTokenAuthenticationToken token)) {
			throw new InvalidBearerTokenException("Bearer token is malformed");
		}
		boolean introspected = introspects(token.getToken());
		Observation observation = Observation.createNotStarted(McpOAuthObservations.TOKEN_VALIDATIONS,
				this.observationRegistry);
		if (observation.isNoop()) {
			return check(token, resource, bearer, introspected);
		}
		observation.lowCardinalityKeyValue(McpOAuthObservations.METHOD, introspected ? "introspection" : "jwt")
			.start();
		TokenRefusalReason reason = TokenRefusalReason.NONE;
		try (Observation.Scope scope = observation.openScope()) {
			return check(token, resource, bearer, introspected);
		}
		catch (RuntimeException ex) {
			reason = TokenRefusalReason.of(ex, introspected);
			if (reason.isUnchecked()) {
				observation.error(ex);
			}
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue(McpOAuthObservations.OUTCOME, reason.outcome())
				.lowCardinalityKeyValue(McpOAuthObservations.REASON, reason.value())
				.stop();
		}
	}

	private Authentication check(BearerTokenAuthenticationToken bearer, Supplier<String> resource,
			boolean bearerOnly, boolean introspected) {
		Authentication result = introspected ? introspect(bearer) : verify(bearer);
		if (!(result instanceof AbstractOAuth2TokenAuthenticationToken<?> token)) {
			throw new InvalidBearerTokenException(NOT_CHECKED);
		}
		checkAudience(token.getTokenAttributes(), resource);
		return bearerOnly ? requireBearerToken(result) : result;
	}

	/**
	 * Refuses a sender-constrained access token (one with {@code cnf}: DPoP- or certificate-bound) where it is
	 * presented as a bearer token, which only holding the token proves (Spring Security's servlet bearer filter
	 * refuses DPoP-bound tokens itself, but not certificate-bound ones). Both stacks' bearer paths ask for it
	 * through {@link #authenticate(Authentication, Supplier, boolean)}.
	 * @param authentication an authenticated token
	 * @return the authentication
	 * @throws InvalidBearerTokenException when the token is sender-constrained
	 */
	private static Authentication requireBearerToken(Authentication authentication) {
		if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token
				&& token.getTokenAttributes().get("cnf") != null) {
			throw new InvalidBearerTokenException(SENDER_CONSTRAINED);
		}
		return authentication;
	}

	/**
	 * Whether a token goes to introspection: always without a decoder, never without an introspector, and otherwise
	 * when it is not a signed JWT.
	 * @param token the bearer token
	 * @return whether it is introspected
	 */
	boolean introspects(String token) {
		if (this.introspection == null) {
			return false;
		}
		return this.jwt == null || !isSignedJwt(token);
	}

	/**
	 * Whether Nimbus parses the string as a signed JWT (a JWS in compact form): such a token is verified locally,
	 * whatever its signature, never introspected.
	 * @param token the bearer token
	 * @return whether it is a signed JWT
	 */
	static boolean isSignedJwt(String token) {
		try {
			return JWTParser.parse(token) instanceof SignedJWT;
		}
		catch (ParseException | RuntimeException ex) {
			// Nimbus throws more than ParseException for some malformed headers (a header that is JSON null)
			return false;
		}
	}

	private Authentication verify(BearerTokenAuthenticationToken bearer) {
		try {
			return this.jwt.authenticate(bearer);
		}
		catch (InvalidBearerTokenException ex) {
			String description = describe(ex);
			if (logger.isDebugEnabled()) {
				logger.debug("Access token refused: " + description + " ("
						+ ((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage()) + ")");
			}
			throw new InvalidBearerTokenException(description, ex);
		}
		catch (AuthenticationServiceException ex) {
			logger.warn("Access token could not be verified, the key source failed: " + ex.getMessage());
			throw new InvalidBearerTokenException("The access token could not be verified", ex);
		}
	}

	private Authentication introspect(BearerTokenAuthenticationToken bearer) {
		try {
			return this.introspection.authenticate(bearer);
		}
		catch (InvalidBearerTokenException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Access token refused by introspection: " + ex.getMessage());
			}
			throw new InvalidBearerTokenException(ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			logger.warn("Access token could not be checked at the introspection endpoint: " + ex.getMessage());
			throw new InvalidBearerTokenException(NOT_CHECKED, ex);
		}
	}

	private static String describe(InvalidBearerTokenException ex) {
		if (ex.getCause() instanceof JwtValidationException validation && !validation.getErrors().isEmpty()) {
			return validation.getErrors().iterator().next().getDescription();
		}
		return "The access token is malformed, or its signature or algorithm is not accepted";
	}

	/**
	 * The audience check (RFC 8707): the token's {@code aud}, a string or a list of strings, names one of the
	 * accepted audiences: those of its issuer when it has its own, else the configured ones, else the resource
	 * identifier of the request.
	 */
	private void checkAudience(Map<String, Object> attributes, Supplier<String> resource) {
		Object issuer = attributes.get("iss");
		List<String> audiences = (issuer != null) ? this.issuerAudiences.get(issuer.toString()) : null;
		if (audiences == null) {
			audiences = this.configuredAudiences.isEmpty() ? List.of(resource.get()) : this.configuredAudiences;
		}
		Object aud = attributes.get("aud");
		Collection<?> tokenAudiences = (aud instanceof Collection<?> several) ? several
				: (aud instanceof String one) ? List.of(one) : List.of();
		for (Object audience : tokenAudiences) {
			if (audience instanceof String name && audiences.contains(name)) {
				return;
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Access token refused: its aud " + aud + " names none of " + audiences + " (subject "
					+ attributes.get("sub") + ", issuer " + attributes.get("iss") + ")");
		}
		throw new InvalidBearerTokenException(WRONG_AUDIENCE);
	}

	/**
	 * An introspected token as an authentication: the principal with the same scope authorities a JWT gets, and
	 * Spring Security's bearer factor.
	 */
	private static BearerTokenAuthentication introspected(String token, OAuth2AuthenticatedPrincipal principal) {
		Collection<GrantedAuthority> authorities = new LinkedHashSet<>(
				ScopeAuthoritiesConverter.authorities(principal.getAttributes()));
		authorities.add(FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.BEARER_AUTHORITY));
		Instant issuedAt = (principal.getAttribute("iat") instanceof Instant iat) ? iat : null;
		Instant expiresAt = (principal.getAttribute("exp") instanceof Instant exp) ? exp : null;
		if (issuedAt != null && expiresAt != null && !expiresAt.isAfter(issuedAt)) {
			issuedAt = null;
		}
		return new BearerTokenAuthentication(principal,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token, issuedAt, expiresAt), authorities);
	}

}
