package dev.mcpoauth.server.jwt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/**
 * Spring Security's default claim conversion ({@link MappedJwtClaimSetConverter#withDefaults}) with the same result,
 * done directly for the claim types Nimbus hands over for an access token: {@code exp}, {@code iat}, {@code nbf} as
 * {@link Date}s become {@link Instant}s, {@code aud} a list of strings, {@code iss}, {@code sub} and {@code jti}
 * stay strings, those of them that are {@code null} are dropped, and a missing {@code iat} is {@code exp} minus one second. Spring's
 * converter goes through a {@code ConversionService} claim by claim and turns every {@code iss} into a {@code URL}
 * and back: a tenth of a token's validation in the sample's profile. Any other type of those claims takes Spring's
 * own converter, as does each new {@code iss} value once (the last result is kept: one issuer, or a few, per
 * decoder). Runs after the signature is verified.
 */
final class AccessTokenClaimSetConverter implements Converter<Map<String, Object>, Map<String, Object>> {

	private static final String[] TIMES = { JwtClaimNames.EXP, JwtClaimNames.IAT, JwtClaimNames.NBF };

	private static final String[] STRINGS = { JwtClaimNames.ISS, JwtClaimNames.SUB, JwtClaimNames.JTI };

	private static final String[] CONVERTED = { JwtClaimNames.AUD, JwtClaimNames.EXP, JwtClaimNames.IAT,
			JwtClaimNames.NBF, JwtClaimNames.ISS, JwtClaimNames.SUB, JwtClaimNames.JTI };

	private final MappedJwtClaimSetConverter spring = MappedJwtClaimSetConverter.withDefaults(Map.of());

	/** The last issuer converted: its value in the token, and Spring's conversion of it. */
	private volatile Map.Entry<String, Object> lastIssuer = Map.entry("", "");

	@Override
	public Map<String, Object> convert(Map<String, Object> claims) {
		if (!isPlain(claims)) {
			return this.spring.convert(claims);
		}
		Map<String, Object> converted = new HashMap<>((int) (claims.size() / 0.75f) + 2);
		converted.putAll(claims);
		for (String name : CONVERTED) {
			converted.remove(name, null);
		}
		for (String name : TIMES) {
			if (converted.get(name) instanceof Date date) {
				converted.put(name, date.toInstant());
			}
		}
		Object audience = converted.get(JwtClaimNames.AUD);
		if (audience instanceof String one) {
			converted.put(JwtClaimNames.AUD, Collections.singletonList(one));
		}
		else if (audience instanceof Collection<?> several) {
			converted.put(JwtClaimNames.AUD, new ArrayList<>(several));
		}
		if (converted.get(JwtClaimNames.ISS) instanceof String issuer) {
			converted.put(JwtClaimNames.ISS, issuer(issuer));
		}
		if (!converted.containsKey(JwtClaimNames.IAT) && converted.get(JwtClaimNames.EXP) instanceof Instant expiresAt) {
			converted.put(JwtClaimNames.IAT, expiresAt.minusSeconds(1));
		}
		return converted;
	}

	/**
	 * Whether every claim Spring converts has a type converted here the same way: times as {@link Date}s, strings as
	 * strings, the audience as a string or a list of non-null strings (absent or {@code null} claims too).
	 */
	private static boolean isPlain(Map<String, Object> claims) {
		for (String name : TIMES) {
			Object value = claims.get(name);
			if (value != null && !(value instanceof Date)) {
				return false;
			}
		}
		for (String name : STRINGS) {
			Object value = claims.get(name);
			if (value != null && !(value instanceof String)) {
				return false;
			}
		}
		Object audience = claims.get(JwtClaimNames.AUD);
		if (audience instanceof List<?> audiences) {
			for (Object one : audiences) {
				if (!(one instanceof String)) {
					return false;
				}
			}
			return true;
		}
		return audience == null || audience instanceof String;
	}

	/** Spring's conversion of an issuer (through a URL when it is one), computed once per new value. */
	private Object issuer(String issuer) {
		Map.Entry<String, Object> last = this.lastIssuer;
		if (last.getKey().equals(issuer)) {
			return last.getValue();
		}
		Object converted = this.spring.convert(Map.of(JwtClaimNames.ISS, issuer)).get(JwtClaimNames.ISS);
		this.lastIssuer = Map.entry(issuer, converted);
		return converted;
	}

}
