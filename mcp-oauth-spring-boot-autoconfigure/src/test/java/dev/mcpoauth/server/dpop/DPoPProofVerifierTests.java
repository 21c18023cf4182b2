package dev.mcpoauth.server.dpop;

import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.oauth2.sdk.dpop.DPoPUtils;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.mcpoauth.DPoPClient;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.DPoPAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The decision on its own, with an access-token authentication that accepts any token and gives it the claims the
 * test chooses, and proofs made by Nimbus.
 */
class DPoPProofVerifierTests {

	private static final String URL = "https://mcp.example/mcp";

	private static final String TOKEN = "an-access-token";

	private final DPoPClient client = new DPoPClient();

	private final DPoPProofVerifier verifier = verifier(null);

	private static DPoPProofVerifier verifier(DPoPNonces nonces) {
		return new DPoPProofVerifier(List.of("ES256", "PS256"), Duration.ofSeconds(60),
				new DPoPProofReplayValidator.InMemoryCache(), nonces);
	}

	/** Authenticates any token as a JWT with these extra claims. */
	private static AuthenticationManager tokens(Map<String, Object> claims) {
		return (authentication) -> {
			Jwt.Builder jwt = Jwt.withTokenValue((String) authentication.getCredentials())
				.header("alg", "RS256")
				.subject("user")
				.issuedAt(Instant.now())
				.expiresAt(Instant.now().plusSeconds(60));
			claims.forEach(jwt::claim);
			return new JwtAuthenticationToken(jwt.build());
		};
	}

	private AuthenticationManager boundTo(DPoPClient client) {
		return tokens(Map.of("cnf", Map.of("jkt", client.thumbprint())));
	}

	private DPoPAuthenticationToken request(String proof) {
		return this.verifier.request(TOKEN, List.of(proof), "POST", URL);
	}

	@Test
	void aProofOfTheBoundKeyGivesTheAccessTokensOwnAuthentication() {
		Authentication authentication = this.verifier.authenticate(request(this.client.proof("POST", URL, TOKEN)),
				boundTo(this.client));
		assertThat(authentication).isInstanceOf(JwtAuthenticationToken.class);
		assertThat(authentication.getName()).isEqualTo("user");
	}

	@Test
	void aRequestNeedsExactlyOneProof() {
		assertRefused(() -> this.verifier.request(TOKEN, List.of(), "POST", URL), "invalid_dpop_proof");
		assertRefused(() -> this.verifier.request(TOKEN, List.of(" "), "POST", URL), "invalid_dpop_proof");
		String proof = this.client.proof("POST", URL, TOKEN);
		assertRefused(() -> this.verifier.request(TOKEN, List.of(proof, proof), "POST", URL), "invalid_dpop_proof");
	}

	@Test
	void aMethodOrUrlThatAProofCannotNameIsRefusedNotThrown() {
		String proof = this.client.proof("POST", URL, TOKEN);
		assertRefused(() -> this.verifier.request(TOKEN, List.of(proof), "CONNECT", URL), "invalid_dpop_proof");
		assertRefused(() -> this.verifier.request(TOKEN, List.of(proof), "POST", URL + "?x=1"), "invalid_dpop_proof");
		assertRefused(() -> this.verifier.request(TOKEN, List.of(proof), "POST", "not a url"), "invalid_dpop_proof");
	}

	@Test
	void theRequestNeverShowsItsTokenOrProof() {
		String proof = this.client.proof("POST", URL, TOKEN);
		assertThat(request(proof).toString()).contains("POST " + URL).doesNotContain(TOKEN).doesNotContain(proof);
	}

	@Test
	void theKeyBindingIsCheckedAndItsFailureIsInvalidToken() {
		DPoPClient thief = new DPoPClient();
		assertRefused(() -> this.verifier.authenticate(request(thief.proof("POST", URL, TOKEN)), boundTo(this.client)),
				"invalid_token", "Invalid DPoP key binding");
	}

	@Test
	void aTokenWithoutAUsableCnfJktIsNotDPoPBound() {
		for (Map<String, Object> claims : List.<Map<String, Object>>of(Map.of(), Map.of("cnf", "not an object"),
				Map.of("cnf", Map.of("x5t#S256", "abc")), Map.of("cnf", Map.of("jkt", 42)))) {
			assertRefused(() -> this.verifier.authenticate(request(this.client.proof("POST", URL, TOKEN)), tokens(claims)),
					"invalid_token", "The access token is not DPoP-bound (no cnf.jkt)");
		}
	}

	@Test
	void theAccessTokensOwnRefusalPassesUnchanged() {
		InvalidBearerTokenException refusal = new InvalidBearerTokenException("The access token has expired");
		assertThatExceptionOfType(InvalidBearerTokenException.class)
			.isThrownBy(() -> this.verifier.authenticate(request(this.client.proof("POST", URL, TOKEN)), (token) -> {
				throw refusal;
			}))
			.isSameAs(refusal);
	}

	@Test
	void onlyTheConfiguredAlgorithmsAreAccepted() {
		DPoPClient rsa = new DPoPClient(Jwts.rsa());
		assertRefused(() -> this.verifier.authenticate(request(rsa.proof("POST", URL, TOKEN)), boundTo(rsa)),
				"invalid_dpop_proof", "The DPoP proof's algorithm is not accepted");
	}

	/**
	 * The break-it review's CPU amplification (a 3072-bit RSA key with a 3070-bit exponent makes verifying as slow as
	 * signing) and weak keys: the proof's key is judged from its header when the request is read, before the access
	 * token or any signature is verified, so these proofs, whose signatures are random bytes, cost no verification.
	 */
	@Test
	void aProofKeyIsJudgedFromTheHeaderBeforeAnySignatureIsVerified() throws Exception {
		DPoPProofVerifier all = new DPoPProofVerifier(List.of("ES256", "ES384", "RS256"), Duration.ofSeconds(60),
				new DPoPProofReplayValidator.InMemoryCache(), null);
		SecureRandom random = new SecureRandom();
		BigInteger n = BigInteger.probablePrime(1536, random).multiply(BigInteger.probablePrime(1536, random));
		RSAKey hugeExponent = new RSAKey.Builder(Base64URL.encode(n),
				Base64URL.encode(new BigInteger(3070, random).setBit(0))).build();
		String key = "The DPoP proof's key is not accepted (a public RSA key of 2048 to 8192 bits, or an EC key of "
				+ "the algorithm's curve)";
		String hugeExponentProof = unsignedProof(JWSAlgorithm.RS256, hugeExponent);
		assertRefused(() -> all.request(TOKEN, List.of(hugeExponentProof), "POST", URL), "invalid_dpop_proof", key);
		RSAKey weak = new RSAKeyGenerator(1024, true).generate().toPublicJWK();
		String weakProof = unsignedProof(JWSAlgorithm.RS256, weak);
		assertRefused(() -> all.request(TOKEN, List.of(weakProof), "POST", URL), "invalid_dpop_proof", key);
		ECKey p384 = new ECKeyGenerator(Curve.P_384).generate().toPublicJWK();
		String otherCurve = unsignedProof(JWSAlgorithm.ES256, p384);
		assertRefused(() -> all.request(TOKEN, List.of(otherCurve), "POST", URL), "invalid_dpop_proof", key);
		String otherType = unsignedProof(JWSAlgorithm.RS256, p384);
		assertRefused(() -> all.request(TOKEN, List.of(otherType), "POST", URL), "invalid_dpop_proof", key);
		assertThat(all.request(TOKEN, List.of(unsignedProof(JWSAlgorithm.ES384, p384)), "POST", URL))
			.as("a sound key passes; its signature is checked later")
			.isNotNull();
	}

	/** A proof with the given algorithm and key in its header and a random signature. */
	private static String unsignedProof(JWSAlgorithm algorithm, JWK key) throws Exception {
		String header = Base64URL.encode(new JWSHeader.Builder(algorithm).type(new JOSEObjectType("dpop+jwt"))
			.jwk(key)
			.build()
			.toString()).toString();
		String claims = Base64URL.encode(DPoPUtils.createJWTClaimsSet(new JWTID(), "POST", URI.create(URL), new Date(),
				new DPoPAccessToken(TOKEN)).toString()).toString();
		byte[] signature = new byte[384];
		new SecureRandom().nextBytes(signature);
		return header + "." + claims + "." + Base64URL.encode(signature);
	}

	@Test
	void aProofIsAcceptedOnce() {
		String proof = this.client.proof("POST", URL, TOKEN);
		this.verifier.authenticate(request(proof), boundTo(this.client));
		assertRefused(() -> this.verifier.authenticate(request(proof), boundTo(this.client)), "invalid_dpop_proof",
				"jti claim is invalid or unable to cache.");
	}

	@Test
	void withNoncesOnlyTheCurrentOrPreviousNonceIsAccepted() {
		DPoPNonces nonces = new DPoPNonces(Duration.ofMinutes(5), Clock.systemUTC());
		DPoPProofVerifier withNonces = verifier(nonces);
		assertThat(withNonces.currentNonce()).isEqualTo(nonces.current());
		assertThat(this.verifier.currentNonce()).isNull();
		assertRefused(() -> withNonces.authenticate(request(this.client.proof("POST", URL, TOKEN)), boundTo(this.client)),
				"use_dpop_nonce", "The DPoP proof must carry the nonce of the DPoP-Nonce header");
		assertRefused(() -> withNonces.authenticate(request(this.client.proof("POST", URL, TOKEN, "stale")),
				boundTo(this.client)), "use_dpop_nonce");
		assertThat(withNonces.authenticate(request(this.client.proof("POST", URL, TOKEN, nonces.current())),
				boundTo(this.client))).isNotNull();
	}

	private static void assertRefused(Runnable call, String error, String... description) {
		assertThatExceptionOfType(OAuth2AuthenticationException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.getError().getErrorCode()).isEqualTo(error);
			if (description.length > 0) {
				assertThat(ex.getError().getDescription()).isEqualTo(description[0]);
			}
		});
	}

}
