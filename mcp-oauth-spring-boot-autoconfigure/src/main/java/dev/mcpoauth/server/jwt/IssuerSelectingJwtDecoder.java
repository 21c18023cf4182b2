package dev.mcpoauth.server.jwt;

import java.text.ParseException;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Decodes the tokens of several trusted issuers, each with the decoder of the issuer its {@code iss} names, in the
 * manner of Spring Security's {@code JwtIssuerAuthenticationManagerResolver}: the unverified {@code iss} only picks
 * the decoder, whose own key source and validators (that very issuer among them) then decide. A token naming an
 * issuer that is not trusted, or none, is refused before any key is looked up, so it costs no network request; a
 * token is never tried against another issuer's keys.
 */
final class IssuerSelectingJwtDecoder implements JwtDecoder {

	private final Map<String, JwtDecoder> decoders;

	/**
	 * @param decoders the decoder of each trusted issuer, by issuer identifier (compared exactly)
	 */
	IssuerSelectingJwtDecoder(Map<String, JwtDecoder> decoders) {
		this.decoders = Map.copyOf(decoders);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		String issuer = issuerOf(token);
		JwtDecoder decoder = (issuer != null) ? this.decoders.get(issuer) : null;
		if (decoder == null) {
			throw new JwtValidationException("The access token's issuer is not trusted",
					List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "The token issuer is not trusted", null)));
		}
		return decoder.decode(token);
	}

	/** The {@code iss} of a signed JWT, not verified; {@code null} when it has none or it is not a string. */
	private static String issuerOf(String token) {
		JWT jwt = parse(token);
		if (!(jwt instanceof SignedJWT)) {
			throw new BadJwtException("The access token is not a signed JWT");
		}
		try {
			return jwt.getJWTClaimsSet().getIssuer();
		}
		catch (ParseException | RuntimeException ex) {
			throw new BadJwtException("The access token is malformed", ex);
		}
	}

	/** Nimbus throws more than {@link ParseException} for some malformed headers (a header that is JSON null). */
	private static JWT parse(String token) {
		try {
			return JWTParser.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			throw new BadJwtException("The access token is malformed", ex);
		}
	}

}
