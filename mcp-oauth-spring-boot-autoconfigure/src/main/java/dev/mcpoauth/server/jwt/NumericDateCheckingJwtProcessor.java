package dev.mcpoauth.server.jwt;

import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Nimbus's {@link DefaultJWTProcessor}, refusing {@code exp}, {@code nbf} and {@code iat} values that are not
 * NumericDates between 1970 and 9999 when it builds the claims set. Nimbus turns seconds into a {@code Date} by
 * multiplying by 1000, which overflows for huge values: an {@code nbf} of {@code 9223372036854775807} would otherwise
 * arrive as a date in 1969 and pass the not-before check. The values are read as written in the token's payload,
 * before that conversion.
 */
final class NumericDateCheckingJwtProcessor extends DefaultJWTProcessor<SecurityContext> {

	/** 9999-12-31T23:59:59Z. */
	static final long MAX_SECONDS = 253402300799L;

	private static final String[] TIME_CLAIMS = { "exp", "nbf", "iat" };

	/**
	 * Parses the payload once, checks the time claims as written, and builds the claims set from the same map (the
	 * default parses the payload again through {@code getJWTClaimsSet()}). Nimbus calls this before it selects keys
	 * or verifies the signature.
	 */
	@Override
	protected JWTClaimsSet extractJWTClaimsSet(JWT jwt) throws BadJWTException {
		Map<String, Object> claims = (jwt instanceof JOSEObject jose) ? jose.getPayload().toJSONObject() : null;
		if (claims == null) {
			throw new BadJWTException("The payload is not a JSON object");
		}
		for (String name : TIME_CLAIMS) {
			Object value = claims.get(name);
			if (value != null && !(value instanceof Number number && inRange(number))) {
				throw new BadJWTException("The " + name + " claim is not a valid NumericDate");
			}
		}
		try {
			return JWTClaimsSet.parse(claims);
		}
		catch (ParseException ex) {
			throw new BadJWTException("The payload is not a valid JWT claims set", ex);
		}
	}

	private static boolean inRange(Number number) {
		double seconds = number.doubleValue();
		return Double.isFinite(seconds) && seconds >= 0 && seconds <= MAX_SECONDS;
	}

}
