package dev.mcpoauth.server.jwt;

import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Nimbus's {@link DefaultJWTProcessor}, refusing {@code exp}, {@code nbf} and {@code iat} values that are not
 * NumericDates between 1970 and 9999 before anything else. Nimbus turns seconds into a {@code Date} by multiplying
 * by 1000, which overflows for huge values: an {@code nbf} of {@code 9223372036854775807} would otherwise arrive as
 * a date in 1969 and pass the not-before check. The values are read as written in the already-parsed token's
 * payload, before that conversion.
 */
final class NumericDateCheckingJwtProcessor extends DefaultJWTProcessor<SecurityContext> {

	/** 9999-12-31T23:59:59Z. */
	static final long MAX_SECONDS = 253402300799L;

	private static final String[] TIME_CLAIMS = { "exp", "nbf", "iat" };

	@Override
	public JWTClaimsSet process(SignedJWT jwt, SecurityContext context) throws BadJOSEException, JOSEException {
		Map<String, Object> claims = jwt.getPayload().toJSONObject();
		if (claims == null) {
			throw new BadJWTException("The payload is not a JSON object");
		}
		for (String name : TIME_CLAIMS) {
			Object value = claims.get(name);
			if (value != null && !(value instanceof Number number && inRange(number))) {
				throw new BadJWTException("The " + name + " claim is not a valid NumericDate");
			}
		}
		return super.process(jwt, context);
	}

	private static boolean inRange(Number number) {
		double seconds = number.doubleValue();
		return Double.isFinite(seconds) && seconds >= 0 && seconds <= MAX_SECONDS;
	}

}
