package dev.mcpoauth.server.introspection;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimAccessor;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionAuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;

/**
 * The rules an introspection answer (RFC 7662) must pass, the same as a JWT's, applied to the answer as Spring
 * Security's introspector converts it ({@code exp}, {@code iat}, {@code nbf} as instants):
 * <ul>
 * <li>{@code active} is {@code true};</li>
 * <li>{@code exp} is present and not passed (RFC 7662 makes it optional; like a JWT without {@code exp}, an answer
 * without one is refused: nothing would then bound how long the token is taken as valid), {@code nbf}, if present,
 * not in the future, both with the clock skew; {@code iat}, if present, before {@code exp};</li>
 * <li>{@code iss}, if present, is one of the trusted issuers (the introspection endpoint belongs to the authorization
 * server, so an answer without {@code iss} speaks for it);</li>
 * <li>{@code token_type}, if present, is {@code Bearer}, and Keycloak's {@code typ}, if present, names an access token
 * ({@code Bearer}), so that refresh and ID tokens are refused; a token bound to a key ({@code cnf}: DPoP, mutual TLS)
 * is refused, since it arrived as a plain bearer token without the proof of possession.</li>
 * </ul>
 * The audience is checked per request, by the same check as a JWT's; scopes become the same {@code SCOPE_}
 * authorities ({@link ScopeAuthoritiesConverter}). A refusal is a {@link RefusedTokenException} whose message is the
 * description sent to the client; an empty answer (an empty body) is a failure of the endpoint, an
 * {@link OAuth2IntrospectionException}.
 */
public final class IntrospectedTokenRules
		implements Converter<OAuth2TokenIntrospectionClaimAccessor, OAuth2AuthenticatedPrincipal> {

	/** {@code typ} values (Keycloak's claim in its answers) of access tokens. */
	private static final Set<String> ACCESS_TOKEN_TYPS = Set.of("bearer", "at+jwt", "application/at+jwt");

	private final Set<String> trustedIssuers;

	private final Duration clockSkew;

	private final Clock clock;

	/**
	 * @param trustedIssuers the issuers an answer's {@code iss} may name, at least one
	 * @param clockSkew tolerance of the {@code exp} and {@code nbf} checks
	 * @param clock the clock
	 */
	public IntrospectedTokenRules(List<URI> trustedIssuers, Duration clockSkew, Clock clock) {
		if (trustedIssuers.isEmpty()) {
			throw new IllegalArgumentException("At least one trusted issuer is needed");
		}
		this.trustedIssuers = trustedIssuers.stream().map(URI::toString).collect(Collectors.toUnmodifiableSet());
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	@Override
	public OAuth2AuthenticatedPrincipal convert(OAuth2TokenIntrospectionClaimAccessor answer) {
		Map<String, Object> claims = answer.getClaims();
		check(claims);
		Object subject = claims.get("sub");
		return new OAuth2IntrospectionAuthenticatedPrincipal((subject != null) ? subject.toString() : null, claims,
				ScopeAuthoritiesConverter.authorities(claims));
	}

	private void check(Map<String, Object> claims) {
		if (claims.isEmpty()) {
			throw new OAuth2IntrospectionException("The introspection answer is empty");
		}
		if (!Boolean.TRUE.equals(claims.get("active"))) {
			throw new RefusedTokenException(RefusedTokenException.INACTIVE);
		}
		Object tokenType = claims.get("token_type");
		if (tokenType != null && !"bearer".equalsIgnoreCase(tokenType.toString())) {
			throw new RefusedTokenException("The access token is not a bearer access token (token_type)");
		}
		Object typ = claims.get("typ");
		if (typ != null && !ACCESS_TOKEN_TYPS.contains(typ.toString().toLowerCase(Locale.ROOT))) {
			throw new RefusedTokenException("The token is not an access token (typ)");
		}
		if (claims.get("cnf") != null) {
			throw new RefusedTokenException(
					"The access token is bound to a key (cnf) and cannot be used as a plain bearer token");
		}
		checkTimes(claims);
		Object issuer = claims.get("iss");
		if (issuer != null && !this.trustedIssuers.contains(issuer.toString())) {
			throw new RefusedTokenException("The access token was not issued by a trusted issuer (iss)");
		}
	}

	private void checkTimes(Map<String, Object> claims) {
		if (!(claims.get("exp") instanceof Instant expiresAt)) {
			throw new RefusedTokenException("The access token has no expiry (exp)");
		}
		Instant now = this.clock.instant();
		if (now.minus(this.clockSkew).isAfter(expiresAt)) {
			throw new RefusedTokenException("The access token has expired (exp)");
		}
		if (claims.get("nbf") instanceof Instant notBefore && now.plus(this.clockSkew).isBefore(notBefore)) {
			throw new RefusedTokenException("The access token is not valid yet (nbf)");
		}
		if (claims.get("iat") instanceof Instant issuedAt && !expiresAt.isAfter(issuedAt)) {
			throw new RefusedTokenException("The access token's lifetime is not valid (iat, exp)");
		}
	}

	/** A token the introspection answer, or the rules, refuse; its message is the description sent to the client. */
	static final class RefusedTokenException extends BadOpaqueTokenException {

		static final String INACTIVE = "The access token is not active";

		RefusedTokenException(String description) {
			super(description);
		}

	}

}
