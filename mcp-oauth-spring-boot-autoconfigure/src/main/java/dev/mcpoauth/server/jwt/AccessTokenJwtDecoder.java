package dev.mcpoauth.server.jwt;

import java.text.ParseException;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.JWTProcessor;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Spring Security's {@link NimbusJwtDecoder}, same processor, claim conversion, validator, results and exceptions,
 * with the header of a signed token parsed once: {@code NimbusJwtDecoder} finds the kind of token with
 * {@code JWTParser}, which parses the header and then parses it again as a JWS header (a third of a validation's
 * allocation). Here a token is parsed as a signed JWT directly; any other string (malformed, unsecured, encrypted)
 * goes to a {@code NimbusJwtDecoder} on the same processor, so it is refused with exactly Spring's exception. The
 * claims are converted once, by {@link AccessTokenClaimSetConverter}, after the signature is verified.
 */
final class AccessTokenJwtDecoder implements JwtDecoder {

	private static final String DECODING_ERROR = "An error occurred while attempting to decode the Jwt: %s";

	private final JWTProcessor<SecurityContext> processor;

	private final AccessTokenClaimSetConverter claims = new AccessTokenClaimSetConverter();

	private final OAuth2TokenValidator<Jwt> validator;

	private final NimbusJwtDecoder others;

	/**
	 * @param processor verifies the signature and builds the claims set
	 * @param validator checks the claims
	 */
	AccessTokenJwtDecoder(JWTProcessor<SecurityContext> processor, OAuth2TokenValidator<Jwt> validator) {
		this.processor = processor;
		this.validator = validator;
		this.others = new NimbusJwtDecoder(processor);
		this.others.setClaimSetConverter(this.claims);
		this.others.setJwtValidator(validator);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		SignedJWT signed;
		try {
			signed = SignedJWT.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			// NimbusJwtDecoder gives the exact refusal; Nimbus throws more than ParseException for some malformed
			// headers (a header that is JSON null: a NullPointerException, which escaped as a 500)
			return this.others.decode(token);
		}
		return validate(create(token, signed));
	}

	/** As {@code NimbusJwtDecoder.createJwt}, with its exceptions. */
	private Jwt create(String token, SignedJWT signed) {
		try {
			JWTClaimsSet claimsSet = this.processor.process(signed, null);
			Map<String, Object> converted = this.claims.convert(claimsSet.getClaims());
			// What Jwt.Builder.build() does, without the builder's copies of both maps.
			return new Jwt(token, instant(converted.get(JwtClaimNames.IAT)), instant(converted.get(JwtClaimNames.EXP)),
					signed.getHeader().toJSONObject(), converted);
		}
		catch (RemoteKeySourceException ex) {
			String message = (ex.getCause() instanceof ParseException) ? "Malformed Jwk set" : ex.getMessage();
			throw new JwtException(String.format(DECODING_ERROR, message), ex);
		}
		catch (JOSEException ex) {
			throw new JwtException(String.format(DECODING_ERROR, ex.getMessage()), ex);
		}
		catch (Exception ex) {
			String message = (ex.getCause() instanceof ParseException) ? "Malformed payload" : ex.getMessage();
			throw new BadJwtException(String.format(DECODING_ERROR, message), ex);
		}
	}

	/** As {@code Jwt.Builder} reads a time claim. */
	private static Instant instant(Object time) {
		if (time != null) {
			Assert.isInstanceOf(Instant.class, time, "timestamps must be of type Instant");
		}
		return (Instant) time;
	}

	/** As {@code NimbusJwtDecoder.validateJwt}, with its exception. */
	private Jwt validate(Jwt jwt) {
		OAuth2TokenValidatorResult result = this.validator.validate(jwt);
		if (!result.hasErrors()) {
			return jwt;
		}
		String message = "Unable to validate Jwt";
		for (OAuth2Error error : result.getErrors()) {
			if (StringUtils.hasLength(error.getDescription())) {
				message = String.format(DECODING_ERROR, error.getDescription());
				break;
			}
		}
		throw new JwtValidationException(message, result.getErrors());
	}

}
