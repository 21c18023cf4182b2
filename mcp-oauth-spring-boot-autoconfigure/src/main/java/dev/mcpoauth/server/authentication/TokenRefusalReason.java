package dev.mcpoauth.server.authentication;

import java.text.ParseException;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;

import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;

/**
 * Why an access token was refused, or could not be checked, as a fixed set of values for metrics and traces: the one
 * place where the failures of {@link AccessTokenAuthenticator} (Spring Security's and Nimbus's exceptions, the
 * validators' errors, the introspection rules' descriptions, the audience and sender-constraint checks) are told
 * apart. The value never quotes the token or anything read from it.
 */
public enum TokenRefusalReason {

	/** Not refused. */
	NONE("none", false),

	/** {@code exp} has passed. */
	EXPIRED("expired", false),

	/** {@code nbf} is in the future. */
	NOT_YET_VALID("not_yet_valid", false),

	/** {@code iss} is not a trusted issuer. */
	WRONG_ISSUER("wrong_issuer", false),

	/** {@code aud} names none of the accepted audiences (RFC 8707). */
	WRONG_AUDIENCE("wrong_audience", false),

	/** {@code typ} (or {@code token_type}) is not that of an access token. */
	WRONG_TYPE("wrong_type", false),

	/** A claim is missing or not valid ({@code exp} absent, a time out of range...). */
	INVALID_CLAIMS("invalid_claims", false),

	/** The signature does not verify with the selected key. */
	BAD_SIGNATURE("bad_signature", false),

	/** No key of the key set matches the token's {@code kid} and an accepted algorithm. */
	UNKNOWN_KEY("unknown_key", false),

	/** Not a readable JWT. */
	MALFORMED("malformed", false),

	/** A sender-constrained token ({@code cnf}) presented as a bearer token. */
	SENDER_CONSTRAINED("sender_constrained", false),

	/** The introspection answer says the token is not active. */
	INACTIVE("inactive", false),

	/** The JWK Set could not be had: the token could not be checked. */
	KEY_SOURCE_UNAVAILABLE("key_source_unavailable", true),

	/** The introspection endpoint failed: the token could not be checked. */
	INTROSPECTION_UNAVAILABLE("introspection_unavailable", true);

	private final String value;

	private final boolean unchecked;

	TokenRefusalReason(String value, boolean unchecked) {
		this.value = value;
		this.unchecked = unchecked;
	}

	/** @return the tag value */
	public String value() {
		return this.value;
	}

	/** @return whether the token could not be checked at all (a failure of the key source or introspection) */
	public boolean isUnchecked() {
		return this.unchecked;
	}

	/** @return the outcome tag value: {@code accepted}, {@code refused} or {@code unchecked} */
	public String outcome() {
		return (this == NONE) ? "accepted" : this.unchecked ? "unchecked" : "refused";
	}

	/**
	 * The reason of a failure of {@link AccessTokenAuthenticator}.
	 * @param failure what it threw
	 * @param introspected whether the token went to introspection
	 * @return the reason
	 */
	public static TokenRefusalReason of(Throwable failure, boolean introspected) {
		String description = failure.getMessage();
		if (AccessTokenAuthenticator.WRONG_AUDIENCE.equals(description)) {
			return WRONG_AUDIENCE;
		}
		if (AccessTokenAuthenticator.SENDER_CONSTRAINED.equals(description)) {
			return SENDER_CONSTRAINED;
		}
		boolean serviceFailed = false;
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof JwtValidationException validation && !validation.getErrors().isEmpty()) {
				return ofValidationError(validation.getErrors().iterator().next().getDescription());
			}
			if (cause instanceof BadOpaqueTokenException refused) {
				return ofIntrospectionRefusal(refused.getMessage());
			}
			if (cause instanceof OAuth2IntrospectionException) {
				return INTROSPECTION_UNAVAILABLE;
			}
			if (cause instanceof KeySourceException) {
				return KEY_SOURCE_UNAVAILABLE;
			}
			if (cause instanceof BadJWSException) {
				return BAD_SIGNATURE;
			}
			if (cause instanceof BadJOSEException bad) {
				return (bad.getMessage() != null && bad.getMessage().contains("no matching key")) ? UNKNOWN_KEY
						: MALFORMED;
			}
			if (cause instanceof ParseException) {
				return MALFORMED;
			}
			serviceFailed |= cause instanceof AuthenticationServiceException;
		}
		if (serviceFailed) {
			return introspected ? INTROSPECTION_UNAVAILABLE : KEY_SOURCE_UNAVAILABLE;
		}
		return introspected ? ofIntrospectionRefusal(description) : MALFORMED;
	}

	/** The errors of {@code AccessTokenValidators} (Spring Security's validators), by their fixed descriptions. */
	private static TokenRefusalReason ofValidationError(String description) {
		String text = (description != null) ? description : "";
		if (text.startsWith("Jwt expired")) {
			return EXPIRED;
		}
		if (text.startsWith("Jwt used before")) {
			return NOT_YET_VALID;
		}
		if (text.contains("iss claim")) {
			return WRONG_ISSUER;
		}
		if (text.contains("typ")) {
			return WRONG_TYPE;
		}
		return INVALID_CLAIMS;
	}

	/** The refusals of {@code IntrospectedTokenRules}, by the claim their description names. */
	private static TokenRefusalReason ofIntrospectionRefusal(String description) {
		String text = (description != null) ? description : "";
		if (text.contains("not active")) {
			return INACTIVE;
		}
		if (text.contains("has expired")) {
			return EXPIRED;
		}
		if (text.contains("(nbf)")) {
			return NOT_YET_VALID;
		}
		if (text.contains("(iss)")) {
			return WRONG_ISSUER;
		}
		if (text.contains("(typ)") || text.contains("(token_type)")) {
			return WRONG_TYPE;
		}
		return INVALID_CLAIMS;
	}

}
