package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * The claim and header checks every MCP access token passes, composed from Spring Security's validators:
 * {@code exp} required and not passed, {@code nbf} not in the future (both with clock skew), {@code iss} equal to
 * the configured issuer, and a {@code typ} that belongs to an access token. The audience is checked per request by
 * {@link dev.mcpoauth.server.authentication.McpBearerAuthenticationManagerResolver}.
 */
public final class AccessTokenValidators {

	/**
	 * {@code typ} values of access tokens: none, generic {@code JWT}, and RFC 9068 {@code at+jwt}. Anything else, an
	 * ID-JAG ({@code oauth-id-jag+jwt}) or an ID token type included, is refused.
	 */
	public static final List<String> ACCESS_TOKEN_TYPES = List.of("JWT", "at+jwt", "application/at+jwt");

	private AccessTokenValidators() {
	}

	/**
	 * Create the validator.
	 * @param issuer the expected issuer, or {@code null} to accept any issuer whose keys verify
	 * @param clockSkew tolerance for time checks
	 * @return the validator
	 */
	public static OAuth2TokenValidator<Jwt> create(URI issuer, Duration clockSkew) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
		timestamps.setAllowEmptyExpiryClaim(false);
		validators.add(timestamps);
		if (issuer != null) {
			validators.add(new JwtIssuerValidator(issuer.toString()));
		}
		JwtTypeValidator type = new JwtTypeValidator(ACCESS_TOKEN_TYPES);
		type.setAllowEmpty(true);
		validators.add(type);
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

}
