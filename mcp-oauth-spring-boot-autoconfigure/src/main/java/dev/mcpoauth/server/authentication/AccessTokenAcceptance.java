package dev.mcpoauth.server.authentication;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * What a verified access token must also satisfy, and how a refusal is told, for both web stacks' resolvers: the
 * audience (RFC 8707) must name the resource of the request, or one of the configured audiences, or one of those of
 * the token's issuer when it has its own; a failure of the verification becomes an
 * {@link InvalidBearerTokenException} with a short description that never carries the token or internals, and a key
 * source that cannot be reached gives 401 (never 500) and a warning. Reads the token's attributes, so it holds
 * whatever verified the token. Knows nothing of the web stack.
 */
final class AccessTokenAcceptance {

	private static final Log logger = LogFactory.getLog(AccessTokenAcceptance.class);

	private final List<String> configuredAudiences;

	private final Map<String, List<String>> issuerAudiences;

	/**
	 * @param configuredAudiences accepted audiences; when empty, the resource identifier of the request
	 * @param issuerAudiences accepted audiences of the tokens of particular issuers (by {@code iss}), replacing the
	 * others for them
	 */
	AccessTokenAcceptance(List<String> configuredAudiences, Map<String, List<String>> issuerAudiences) {
		this.configuredAudiences = List.copyOf(configuredAudiences);
		this.issuerAudiences = Map.copyOf(issuerAudiences);
	}

	/**
	 * The audiences a request's token may name unless its issuer has its own.
	 * @param requestResource the resource identifier of the request, asked only when no audience is configured
	 * @return the audiences
	 */
	List<String> defaultAudiences(Supplier<String> requestResource) {
		return this.configuredAudiences.isEmpty() ? List.of(requestResource.get()) : this.configuredAudiences;
	}

	/**
	 * Check the audience of a verified token.
	 * @param result the authentication the verification produced
	 * @param defaultAudiences {@link #defaultAudiences} of the request
	 * @return the authentication
	 * @throws InvalidBearerTokenException when the token names none of the accepted audiences
	 */
	Authentication checkAudience(Authentication result, List<String> defaultAudiences) {
		if (!(result instanceof AbstractOAuth2TokenAuthenticationToken<?> token)) {
			throw new InvalidBearerTokenException("The access token was not issued for this resource (aud)");
		}
		Map<String, Object> attributes = token.getTokenAttributes();
		Object issuer = attributes.get("iss");
		List<String> audiences = (issuer != null)
				? this.issuerAudiences.getOrDefault(issuer.toString(), defaultAudiences) : defaultAudiences;
		List<String> tokenAudiences = audiences(attributes.get("aud"));
		if (tokenAudiences.stream().noneMatch(audiences::contains)) {
			if (logger.isDebugEnabled()) {
				logger.debug("Access token refused: its aud " + tokenAudiences + " names none of " + audiences
						+ " (subject " + attributes.get("sub") + ", issuer " + issuer + ")");
			}
			throw new InvalidBearerTokenException("The access token was not issued for this resource (aud)");
		}
		return result;
	}

	private static List<String> audiences(Object aud) {
		if (aud instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).toList();
		}
		return (aud != null) ? List.of(aud.toString()) : List.of();
	}

	/**
	 * The refusal to answer for a failed verification.
	 * @param ex what the verification threw
	 * @return an {@link InvalidBearerTokenException} with a short description, or {@code ex} itself when it is
	 * neither a refused token nor a failed key source
	 */
	static AuthenticationException refusal(AuthenticationException ex) {
		if (ex instanceof InvalidBearerTokenException invalid) {
			String description = describe(invalid);
			if (logger.isDebugEnabled()) {
				logger.debug("Access token refused: " + description + " ("
						+ ((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage()) + ")");
			}
			return new InvalidBearerTokenException(description, ex);
		}
		if (ex instanceof AuthenticationServiceException) {
			logger.warn("Access token could not be verified, the key source failed: " + ex.getMessage());
			return new InvalidBearerTokenException("The access token could not be verified", ex);
		}
		return ex;
	}

	private static String describe(InvalidBearerTokenException ex) {
		if (ex.getCause() instanceof JwtValidationException validation && !validation.getErrors().isEmpty()) {
			return validation.getErrors().iterator().next().getDescription();
		}
		return "The access token is malformed, or its signature or algorithm is not accepted";
	}

}
