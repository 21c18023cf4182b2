package dev.mcpoauth.server.dpop;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cache.Cache;
import org.springframework.security.core.Authentication;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.DPoPProofContext;
import org.springframework.security.oauth2.jwt.DPoPProofJwtDecoderFactory;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuedAtValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.authentication.DPoPAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.DPoPAuthenticationToken;

/**
 * Decides every request made with the {@code DPoP} scheme (RFC 9449), whatever reads it off the wire. It composes
 * Spring Security's DPoP support: {@link DPoPAuthenticationProvider} authenticates the access token with the
 * endpoint's own authentication (signature, issuer, audience, expiry: the same as for a bearer token), then verifies
 * the proof with a {@link DPoPProofJwtDecoderFactory} decoder: {@code typ} {@code dpop+jwt}, an RSA or EC signature
 * by the public key in the proof's {@code jwk} header (a private key there is refused, as are {@code none} and HMAC),
 * {@code htm}, {@code htu}, {@code iat} within {@code proofMaxAge} either way, {@code cnf.jkt} of the token equal to
 * the thumbprint of that key, {@code ath} equal to the token's hash, and {@code jti} never seen before
 * ({@link DPoPProofReplayValidator}, for as long as the proof could be accepted). Checked first, this class adds:
 * the configured algorithms only, and a proof key of sound size and of the algorithm's type, both read from the
 * header before any signature is verified; the key binding, answered {@code invalid_token} as RFC 9449 section 7.1 shows
 * ("Invalid DPoP key binding"), a token without {@code cnf.jkt} included; and, when nonces are on, a nonce of this
 * server ({@code use_dpop_nonce} otherwise). Any other failure is {@code invalid_dpop_proof}. Refusals carry a fixed
 * description, never the proof, the token or a value read from them.
 */
public final class DPoPProofVerifier {

	/** The request header carrying the proof. */
	public static final String PROOF_HEADER = "DPoP";

	/** The response header carrying the server's nonce. */
	public static final String NONCE_HEADER = "DPoP-Nonce";

	/** The error of a proof without the server's current nonce (RFC 9449 section 9). */
	public static final String USE_DPOP_NONCE = "use_dpop_nonce";

	private static final Log logger = LogFactory.getLog(DPoPProofVerifier.class);

	private static final String UNREADABLE = "The DPoP proof is malformed, or its type, key or algorithm is not "
			+ "accepted, or its signature does not verify";

	private static final OAuth2Error NOT_BOUND = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
			"The access token is not DPoP-bound (no cnf.jkt)", null);

	private static final OAuth2Error KEY_BINDING = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
			"Invalid DPoP key binding", null);

	private static final OAuth2Error NONCE = new OAuth2Error(USE_DPOP_NONCE,
			"The DPoP proof must carry the nonce of the DPoP-Nonce header", null);

	private static final OAuth2Error ALGORITHM = new OAuth2Error(OAuth2ErrorCodes.INVALID_DPOP_PROOF,
			"The DPoP proof's algorithm is not accepted", null);

	private static final OAuth2Error PROOF_KEY = new OAuth2Error(OAuth2ErrorCodes.INVALID_DPOP_PROOF,
			"The DPoP proof's key is not accepted (a public RSA key of 2048 to 8192 bits, or an EC key of the "
					+ "algorithm's curve)", null);

	private static final int MIN_RSA_BITS = 2048;

	private static final int MAX_RSA_BITS = 8192;

	private static final int MAX_RSA_EXPONENT_BITS = 32;

	private final List<String> algorithms;

	private final DPoPNonces nonces;

	private final DPoPProofJwtDecoderFactory proofDecoders = new DPoPProofJwtDecoderFactory();

	/**
	 * @param algorithms the JWS algorithms accepted for proofs (RSA and EC ones)
	 * @param proofMaxAge how far a proof's {@code iat} may lie from now, either way
	 * @param replayCache remembers used proofs, e.g. a {@link DPoPProofReplayValidator.InMemoryCache}
	 * @param nonces the server's nonces, or {@code null} when proofs need none
	 */
	public DPoPProofVerifier(List<String> algorithms, Duration proofMaxAge, Cache replayCache, DPoPNonces nonces) {
		this.algorithms = List.copyOf(algorithms);
		this.nonces = nonces;
		JwtIssuedAtValidator issuedAt = new JwtIssuedAtValidator(true);
		issuedAt.setClockSkew(proofMaxAge);
		DPoPProofReplayValidator replay = new DPoPProofReplayValidator(replayCache);
		replay.setClockSkew(proofMaxAge);
		Function<DPoPProofContext, OAuth2TokenValidator<Jwt>> springChecks = DPoPProofJwtDecoderFactory
			.createDefaultJwtValidatorFactory(List.of(issuedAt, replay));
		this.proofDecoders.setJwtValidatorFactory((context) -> {
			DelegatingOAuth2TokenValidator<Jwt> checks = new DelegatingOAuth2TokenValidator<>(this::checkAlgorithm,
					keyBinding(context.getAccessToken()), this::checkNonce, springChecks.apply(context));
			checks.setFailOnError(true);
			return checks;
		});
	}

	/**
	 * @return the nonce to hand out in {@value #NONCE_HEADER}, or {@code null} when proofs need none
	 */
	public String currentNonce() {
		return (this.nonces != null) ? this.nonces.current() : null;
	}

	/**
	 * The refusal of a bearer token where only DPoP-bound tokens are accepted.
	 * @return {@code invalid_token}, answered with a {@code DPoP} challenge
	 */
	public static OAuth2AuthenticationException bearerTokenRefused() {
		return refusal(OAuth2ErrorCodes.INVALID_TOKEN,
				"This resource accepts DPoP-bound access tokens only, with the DPoP scheme and a proof");
	}

	/**
	 * Reads a DPoP request: exactly one proof, and a method and URL a proof can name.
	 * @param accessToken the access token sent with the {@code DPoP} scheme
	 * @param proofs every {@value #PROOF_HEADER} header of the request
	 * @param method the request method
	 * @param targetUri the URL the request targets ({@link DPoPTargetUri})
	 * @return the request to {@link #authenticate}
	 * @throws OAuth2AuthenticationException {@code invalid_dpop_proof} when there is not exactly one proof, or the
	 * method or URL cannot be named in one
	 */
	public DPoPAuthenticationToken request(String accessToken, List<String> proofs, String method, String targetUri) {
		if (proofs.size() != 1 || proofs.get(0).isBlank()) {
			throw refusal(OAuth2ErrorCodes.INVALID_DPOP_PROOF, proofs.isEmpty()
					? "The request has no DPoP proof (DPoP header)" : "Send exactly one DPoP proof (DPoP header)");
		}
		try {
			DPoPProofContext.withDPoPProof(proofs.get(0)).method(method).targetUri(targetUri).build();
		}
		catch (IllegalArgumentException ex) {
			throw refusal(OAuth2ErrorCodes.INVALID_DPOP_PROOF,
					"The request's method or URL cannot be named in a DPoP proof");
		}
		checkHeader(proofs.get(0));
		return new ProofRequest(accessToken, proofs.get(0), method, targetUri);
	}

	/**
	 * What the proof's header says, checked before anything verifies its signature, so that a proof costs no
	 * expensive verification unless its key could be accepted: an accepted algorithm, and a public key of that
	 * algorithm's type (for EC, of its curve) in {@code jwk}; an RSA key of {@value #MIN_RSA_BITS} to
	 * {@value #MAX_RSA_BITS} bits with a public exponent of at most 32 bits (a huge exponent makes verification as
	 * slow as signing, a small modulus can be factored).
	 */
	private void checkHeader(String proof) {
		JWSHeader header;
		try {
			header = JWSObject.parse(proof).getHeader();
		}
		catch (ParseException ex) {
			throw refusal(OAuth2ErrorCodes.INVALID_DPOP_PROOF, UNREADABLE);
		}
		if (!this.algorithms.contains(header.getAlgorithm().getName())) {
			throw new OAuth2AuthenticationException(ALGORITHM);
		}
		JWK key = header.getJWK();
		boolean accepted;
		if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(header.getAlgorithm())) {
			accepted = !rsa.isPrivate() && rsa.size() >= MIN_RSA_BITS && rsa.size() <= MAX_RSA_BITS
					&& rsa.getPublicExponent().decodeToBigInteger().bitLength() <= MAX_RSA_EXPONENT_BITS;
		}
		else if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(header.getAlgorithm())) {
			Set<Curve> curves = Curve.forJWSAlgorithm(header.getAlgorithm());
			accepted = !ec.isPrivate() && curves != null && curves.contains(ec.getCurve());
		}
		else {
			accepted = false;
		}
		if (!accepted) {
			throw new OAuth2AuthenticationException(PROOF_KEY);
		}
	}

	/**
	 * Authenticates a DPoP request.
	 * @param request what {@link #request} read
	 * @param accessTokens authenticates the access token as the endpoint does for bearer tokens
	 * @return the access token's authentication (the same as for a bearer token)
	 * @throws OAuth2AuthenticationException {@code invalid_token}, {@code invalid_dpop_proof} or
	 * {@value #USE_DPOP_NONCE}
	 */
	public Authentication authenticate(DPoPAuthenticationToken request, AuthenticationManager accessTokens) {
		DPoPAuthenticationProvider provider = new DPoPAuthenticationProvider(accessTokens);
		provider.setDPoPProofVerifierFactory(this.proofDecoders);
		try {
			return provider.authenticate(request);
		}
		catch (OAuth2AuthenticationException ex) {
			if (!OAuth2ErrorCodes.INVALID_DPOP_PROOF.equals(ex.getError().getErrorCode())) {
				throw ex;
			}
			OAuth2AuthenticationException refusal = refusalFor(ex.getCause());
			if (logger.isDebugEnabled()) {
				logger.debug("DPoP request refused: " + refusal.getError().getErrorCode() + ", "
						+ refusal.getError().getDescription());
			}
			throw refusal;
		}
	}

	/**
	 * The refusal for why the proof decoder failed: the errors of this class as they are; any other (Spring
	 * Security's claim checks, whose codes say {@code invalid_token}) is {@code invalid_dpop_proof} with its fixed
	 * description; a proof that could not be read or verified, one fixed description (the decoder's message may
	 * quote the proof's header).
	 */
	private static OAuth2AuthenticationException refusalFor(Throwable cause) {
		if (!(cause instanceof JwtValidationException validation) || validation.getErrors().isEmpty()) {
			return refusal(OAuth2ErrorCodes.INVALID_DPOP_PROOF, UNREADABLE);
		}
		OAuth2Error first = validation.getErrors().iterator().next();
		if (first == NOT_BOUND || first == KEY_BINDING || first == NONCE || first == ALGORITHM) {
			return new OAuth2AuthenticationException(first);
		}
		return refusal(OAuth2ErrorCodes.INVALID_DPOP_PROOF, first.getDescription());
	}

	private OAuth2TokenValidatorResult checkAlgorithm(Jwt proof) {
		return this.algorithms.contains(String.valueOf(proof.getHeaders().get("alg")))
				? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(ALGORITHM);
	}

	private OAuth2TokenValidatorResult checkNonce(Jwt proof) {
		return (this.nonces == null || this.nonces.isAccepted(proof.getClaimAsString("nonce")))
				? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(NONCE);
	}

	/** {@code cnf.jkt} of the access token must be the thumbprint of the proof's key. */
	private static OAuth2TokenValidator<Jwt> keyBinding(OAuth2Token accessToken) {
		Object confirmation = (accessToken instanceof ClaimAccessor claims) ? claims.getClaims().get("cnf") : null;
		Object jkt = (confirmation instanceof Map<?, ?> cnf) ? cnf.get("jkt") : null;
		return (proof) -> {
			if (!(jkt instanceof String thumbprint) || thumbprint.isEmpty()) {
				return OAuth2TokenValidatorResult.failure(NOT_BOUND);
			}
			return thumbprint.equals(thumbprintOf(proof.getHeaders().get("jwk"))) ? OAuth2TokenValidatorResult.success()
					: OAuth2TokenValidatorResult.failure(KEY_BINDING);
		};
	}

	/** The RFC 7638 SHA-256 thumbprint of the proof's {@code jwk} header, by Nimbus; {@code null} if unreadable. */
	private static String thumbprintOf(Object jwk) {
		try {
			@SuppressWarnings("unchecked")
			Map<String, Object> json = (Map<String, Object>) jwk;
			return JWK.parse(json).computeThumbprint().toString();
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static OAuth2AuthenticationException refusal(String code, String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(code, description, null));
	}

	/**
	 * Spring Security's DPoP request, with a {@code toString()} that leaves out the access token (its principal)
	 * and the proof.
	 */
	private static final class ProofRequest extends DPoPAuthenticationToken {

		private static final long serialVersionUID = 1L;

		ProofRequest(String accessToken, String proof, String method, String targetUri) {
			super(accessToken, proof, method, targetUri);
		}

		@Override
		public String toString() {
			return "DPoPAuthenticationToken [" + getMethod() + " " + getResourceUri()
					+ ", access token and proof hidden]";
		}

	}

}
