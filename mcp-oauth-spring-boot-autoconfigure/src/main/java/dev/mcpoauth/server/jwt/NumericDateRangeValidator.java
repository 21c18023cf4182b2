package dev.mcpoauth.server.jwt;

import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jwt.JWTParser;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Refuses {@code exp}, {@code nbf} and {@code iat} values that are not NumericDates between 1970 and 9999. Nimbus
 * turns seconds into a {@code Date} by multiplying by 1000, which overflows for huge values: an {@code nbf} of
 * {@code 9223372036854775807} would otherwise arrive as a date in 1969 and pass the not-before check. The raw
 * values are read from the token's claims as Nimbus parses them, before that conversion.
 */
final class NumericDateRangeValidator implements OAuth2TokenValidator<Jwt> {

	/** 9999-12-31T23:59:59Z. */
	static final long MAX_SECONDS = 253402300799L;

	private static final String[] TIME_CLAIMS = { "exp", "nbf", "iat" };

	@Override
	public OAuth2TokenValidatorResult validate(Jwt token) {
		Map<String, Object> claims;
		try {
			Payload payload = ((JOSEObject) JWTParser.parse(token.getTokenValue())).getPayload();
			claims = (payload != null) ? payload.toJSONObject() : null;
		}
		catch (ParseException | ClassCastException ex) {
			claims = null;
		}
		if (claims == null) {
			return failure("The access token's claims cannot be read");
		}
		for (String name : TIME_CLAIMS) {
			Object value = claims.get(name);
			if (value != null && !(value instanceof Number number && inRange(number))) {
				return failure("The " + name + " claim is not a valid NumericDate");
			}
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static boolean inRange(Number number) {
		double seconds = number.doubleValue();
		return Double.isFinite(seconds) && seconds >= 0 && seconds <= MAX_SECONDS;
	}

	private static OAuth2TokenValidatorResult failure(String description) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
	}

}
