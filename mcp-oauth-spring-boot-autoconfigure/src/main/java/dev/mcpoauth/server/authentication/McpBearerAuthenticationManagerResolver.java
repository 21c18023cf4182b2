package dev.mcpoauth.server.authentication;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Authenticates bearer tokens sent to the MCP endpoint with Spring Security's {@link JwtAuthenticationProvider},
 * then checks the audience (RFC 8707) against the resource of the request (or the configured audiences, or those of
 * the token's issuer when it has its own), so the check holds whichever {@link JwtDecoder} is in use. Failures become {@link InvalidBearerTokenException}s with a short description that
 * never carries the token or internals; a key source that cannot be reached gives 401, not 500, and is logged.
 */
public final class McpBearerAuthenticationManagerResolver implements AuthenticationManagerResolver<HttpServletRequest> {

	private static final Log logger = LogFactory.getLog(McpBearerAuthenticationManagerResolver.class);

	private final JwtAuthenticationProvider provider;

	private final McpProtectedResource resource;

	private final List<String> configuredAudiences;

	private final Map<String, List<String>> issuerAudiences;

	/**
	 * @param decoder the access-token decoder
	 * @param authenticationConverter turns a validated token into an authentication
	 * @param resource the protected resource
	 * @param configuredAudiences accepted audiences; when empty, the resource identifier of the request
	 * @param issuerAudiences accepted audiences of the tokens of particular issuers (by {@code iss}), replacing the
	 * others for them
	 */
	public McpBearerAuthenticationManagerResolver(JwtDecoder decoder,
			Converter<Jwt, ? extends AbstractAuthenticationToken> authenticationConverter, McpProtectedResource resource,
			List<String> configuredAudiences, Map<String, List<String>> issuerAudiences) {
		this.provider = new JwtAuthenticationProvider(decoder);
		this.provider.setJwtAuthenticationConverter(authenticationConverter);
		this.resource = resource;
		this.configuredAudiences = List.copyOf(configuredAudiences);
		this.issuerAudiences = Map.copyOf(issuerAudiences);
	}

	@Override
	public AuthenticationManager resolve(HttpServletRequest request) {
		List<String> audiences = this.configuredAudiences.isEmpty() ? List.of(this.resource.resource(request))
				: this.configuredAudiences;
		return (authentication) -> authenticate(authentication, audiences);
	}

	private Authentication authenticate(Authentication authentication, List<String> defaultAudiences) {
		Authentication result;
		try {
			result = this.provider.authenticate(authentication);
		}
		catch (InvalidBearerTokenException ex) {
			String description = describe(ex);
			if (logger.isDebugEnabled()) {
				logger.debug("Access token refused: " + description + " (" + ((ex.getCause() != null)
						? ex.getCause().getMessage() : ex.getMessage()) + ")");
			}
			throw new InvalidBearerTokenException(description, ex);
		}
		catch (AuthenticationServiceException ex) {
			logger.warn("Access token could not be verified, the key source failed: " + ex.getMessage());
			throw new InvalidBearerTokenException("The access token could not be verified", ex);
		}
		Jwt jwt = ((JwtAuthenticationToken) result).getToken();
		String issuer = jwt.getClaimAsString(JwtClaimNames.ISS);
		List<String> audiences = (issuer != null) ? this.issuerAudiences.getOrDefault(issuer, defaultAudiences)
				: defaultAudiences;
		List<String> tokenAudiences = jwt.getAudience();
		if (tokenAudiences == null || Collections.disjoint(tokenAudiences, audiences)) {
			if (logger.isDebugEnabled()) {
				logger.debug("Access token refused: its aud " + tokenAudiences + " names none of " + audiences
						+ " (subject " + jwt.getSubject() + ", issuer " + jwt.getIssuer() + ")");
			}
			throw new InvalidBearerTokenException("The access token was not issued for this resource (aud)");
		}
		return result;
	}

	private static String describe(InvalidBearerTokenException ex) {
		if (ex.getCause() instanceof JwtValidationException validation && !validation.getErrors().isEmpty()) {
			return validation.getErrors().iterator().next().getDescription();
		}
		return "The access token is malformed, or its signature or algorithm is not accepted";
	}

}
