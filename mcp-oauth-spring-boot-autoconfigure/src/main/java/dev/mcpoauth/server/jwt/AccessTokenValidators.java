package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * The claim and header checks every MCP access token passes, composed from Spring Security's validators:
 * {@code exp} required and not passed, {@code nbf} not in the future (both with clock skew), {@code iss} one of the
 * trusted issuers, and a {@code typ} that belongs to an access token. The audience is checked per request by
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
	 * @param issuers the trusted issuers, at least one; a token's {@code iss} must equal one of them exactly
	 * @param clockSkew tolerance for time checks
	 * @return the validator
	 */
	public static OAuth2TokenValidator<Jwt> create(List<URI> issuers, Duration clockSkew) {
		if (issuers.isEmpty()) {
			throw new IllegalArgumentException("At least one trusted issuer is needed");
		}
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
		timestamps.setAllowEmptyExpiryClaim(false);
		validators.add(timestamps);
		if (issuers.size() == 1) {
			validators.add(new JwtIssuerValidator(issuers.get(0).toString()));
		}
		else {
			Set<String> trusted = issuers.stream().map(URI::toString).collect(Collectors.toSet());
			validators.add(new JwtClaimValidator<Object>(JwtClaimNames.ISS,
					(issuer) -> issuer != null && trusted.contains(issuer.toString())));
		}
		JwtTypeValidator type = new JwtTypeValidator(ACCESS_TOKEN_TYPES);
		type.setAllowEmpty(true);
		validators.add(type);
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

}
