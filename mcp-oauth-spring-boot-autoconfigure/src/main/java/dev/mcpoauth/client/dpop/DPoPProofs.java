package dev.mcpoauth.client.dpop;

import java.net.URI;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;

import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * The DPoP (RFC 9449) proofs of one registration, made by Nimbus's {@link DefaultDPoPProofFactory}: a fresh
 * {@code jti} and the current {@code iat} each, {@code htm} and {@code htu} (the request URI without query and
 * fragment), {@code ath} for a request that carries an access token, and the nonce the target's origin handed out
 * ({@link DPoPNonces}). The key pair is generated on first use for each authorization server, kept in memory only
 * and never exported: tokens an authorization server binds to it are presented with proofs of the same key. At most
 * {@link #MAX_KEYS} authorization servers keep a key, the least recently used forgotten first (its tokens then stop
 * working, and new ones are requested).
 */
public final class DPoPProofs {

	/** The proof algorithms a registration may choose. */
	public static final List<String> ALGORITHMS = List.of("ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
			"RS256", "RS384", "RS512");

	/** The header of DPoP proofs. */
	public static final String HEADER = "DPoP";

	/** The header of server-provided nonces. */
	public static final String NONCE_HEADER = "DPoP-Nonce";

	/** The most authorization servers a key is kept for. */
	static final int MAX_KEYS = 16;

	private final String registration;

	private final JWSAlgorithm algorithm;

	private final DPoPNonces nonces = new DPoPNonces();

	private final Map<URI, DefaultDPoPProofFactory> factories = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<URI, DefaultDPoPProofFactory> eldest) {
			return size() > MAX_KEYS;
		}

	};

	/**
	 * @param registration the registration name, for messages
	 * @param algorithm one of {@link #ALGORITHMS}
	 * @throws IllegalArgumentException for another algorithm
	 */
	public DPoPProofs(String registration, String algorithm) {
		if (!ALGORITHMS.contains(algorithm)) {
			throw new IllegalArgumentException("Unsupported DPoP algorithm " + algorithm + "; use one of " + ALGORITHMS);
		}
		this.registration = registration;
		this.algorithm = JWSAlgorithm.parse(algorithm);
	}

	/** @return the proof algorithm */
	public String algorithm() {
		return this.algorithm.getName();
	}

	/**
	 * A proof for a request.
	 * @param issuer the authorization server whose tokens the key is bound to
	 * @param method the request method
	 * @param uri the request URI
	 * @param accessToken the access token the request carries (gives {@code ath}), or {@code null} for a token
	 * request
	 * @return the compact proof JWT
	 */
	public String proof(URI issuer, String method, URI uri, String accessToken) {
		String nonce = this.nonces.nonceFor(uri);
		try {
			return factory(issuer)
				.createDPoPJWT(method, htu(uri), (accessToken != null) ? new DPoPAccessToken(accessToken) : null,
						(nonce != null) ? new Nonce(nonce) : null)
				.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("MCP registration '" + this.registration
					+ "': signing a DPoP proof failed (" + ex.getClass().getSimpleName() + ")");
		}
	}

	/**
	 * Remember a nonce a server handed out in a response ({@code DPoP-Nonce}), for later proofs to its origin only.
	 * @param uri the URI of the request the response answered
	 * @param nonce the header value, or {@code null}
	 */
	public void rememberNonce(URI uri, String nonce) {
		this.nonces.remember(uri, nonce);
	}

	/**
	 * A server refused a proof with {@code use_dpop_nonce}: keep its nonce, and tell whether a retry can succeed,
	 * that is whether it handed out a well-formed nonce the refused proof did not carry (so a server that keeps
	 * refusing its own nonce gets no more retries).
	 * @param uri the URI of the refused request
	 * @param nonce the {@code DPoP-Nonce} of the refusal, or {@code null}
	 * @param sentProof the proof the refused request carried, or {@code null}
	 * @return whether to retry with a new proof
	 */
	public boolean onNonceRequired(URI uri, String nonce, String sentProof) {
		return this.nonces.remember(uri, nonce) && !nonce.equals(nonceOf(sentProof));
	}

	/**
	 * Adds a proof to each request to an authorization server's token endpoint and keeps the nonces its answers hand
	 * out; the retry after {@code use_dpop_nonce} (RFC 9449 section 8) is the token client's, at the grant level.
	 * @param issuer the authorization server
	 * @return the interceptor for its token requests
	 */
	public ClientHttpRequestInterceptor tokenRequests(URI issuer) {
		return new DPoPTokenRequestInterceptor(this, issuer);
	}

	private static String nonceOf(String proof) {
		if (proof == null) {
			return null;
		}
		try {
			Object nonce = SignedJWT.parse(proof).getJWTClaimsSet().getClaim("nonce");
			return (nonce instanceof String value) ? value : null;
		}
		catch (ParseException ex) {
			return null;
		}
	}

	private DefaultDPoPProofFactory factory(URI issuer) throws JOSEException {
		synchronized (this.factories) {
			DefaultDPoPProofFactory factory = this.factories.get(issuer);
			if (factory == null) {
				factory = new DefaultDPoPProofFactory(generateKey(), this.algorithm);
				this.factories.put(issuer, factory);
			}
			return factory;
		}
	}

	private JWK generateKey() throws JOSEException {
		String name = this.algorithm.getName();
		if (name.startsWith("ES")) {
			Curve curve = switch (name) {
				case "ES384" -> Curve.P_384;
				case "ES512" -> Curve.P_521;
				default -> Curve.P_256;
			};
			return new ECKeyGenerator(curve).generate();
		}
		return new RSAKeyGenerator(RSAKeyGenerator.MIN_KEY_SIZE_BITS).generate();
	}

	/** RFC 9449 section 4.2: {@code htu} is the target URI without query and fragment. */
	private static URI htu(URI uri) {
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path);
	}

	@Override
	public String toString() {
		return "DPoPProofs[" + this.registration + ", " + this.algorithm + "]";
	}

}
