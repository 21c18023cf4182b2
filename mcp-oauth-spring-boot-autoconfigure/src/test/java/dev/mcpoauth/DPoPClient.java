package dev.mcpoauth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import tools.jackson.databind.json.JsonMapper;

/**
 * A DPoP client for tests: one key pair, proofs made by Nimbus's {@link DefaultDPoPProofFactory} (a fresh
 * {@code jti} and the current {@code iat} each, {@code ath} when a token is given), and token requests that ask
 * an authorization server for a DPoP-bound token. Shared with the other modules' tests through the test-jar.
 */
public final class DPoPClient {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JWK key;

	private final DefaultDPoPProofFactory proofs;

	/** A client with a fresh EC P-256 key, signing ES256. */
	public DPoPClient() {
		this(Jwts.ec());
	}

	/**
	 * @param key the client's key pair: EC (signs ES256) or RSA (signs RS256)
	 */
	public DPoPClient(JWK key) {
		this.key = key;
		try {
			this.proofs = new DefaultDPoPProofFactory(key,
					(key instanceof RSAKey) ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** @return the key pair */
	public JWK key() {
		return this.key;
	}

	/** @return the RFC 7638 thumbprint of the public key, as a bound token's {@code cnf.jkt} names it */
	public String thumbprint() {
		try {
			return this.key.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A proof for a token request (no {@code ath}). */
	public String proof(String method, String url) {
		return proof(method, url, null, null, Instant.now());
	}

	/** A proof for a protected resource request with the token. */
	public String proof(String method, String url, String accessToken) {
		return proof(method, url, accessToken, null, Instant.now());
	}

	/** A proof with a server nonce. */
	public String proof(String method, String url, String accessToken, String nonce) {
		return proof(method, url, accessToken, nonce, Instant.now());
	}

	/** A proof issued at the given time. */
	public String proof(String method, String url, String accessToken, String nonce, Instant issuedAt) {
		try {
			return this.proofs
				.createDPoPJWT(new JWTID(), method, URI.create(url), Date.from(issuedAt),
						(accessToken != null) ? new DPoPAccessToken(accessToken) : null,
						(nonce != null) ? new Nonce(nonce) : null)
				.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A client_credentials request with {@code client_secret_basic} and a DPoP proof.
	 * @return the token response (status and JSON)
	 */
	public TokenResponse clientCredentials(String tokenUri, String clientId, String secret, String scope) {
		return tokenRequest(tokenUri, clientId, secret, scope, proof("POST", tokenUri));
	}

	/**
	 * A client_credentials request with {@code client_secret_basic}.
	 * @param proof the DPoP proof, or {@code null} for a request without one (a bearer token)
	 * @return the token response (status and JSON)
	 */
	public static TokenResponse tokenRequest(String tokenUri, String clientId, String secret, String scope,
			String proof) {
		String basic = Base64.getEncoder()
			.encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokenUri))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + scope.replace(" ", "%20")))
			.timeout(Duration.ofSeconds(10));
		if (proof != null) {
			request.header("DPoP", proof);
		}
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			@SuppressWarnings("unchecked")
			Map<String, Object> json = (response.statusCode() == 200)
					? JsonMapper.builder().build().readValue(response.body(), Map.class) : Map.of();
			return new TokenResponse(response.statusCode(), json);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A token response: its status and JSON body (empty unless 200). */
	public record TokenResponse(int status, Map<String, Object> json) {

		/** @return the access token, which must be of the type */
		public String accessToken(String tokenType) {
			if (this.status != 200 || !tokenType.equals(this.json.get("token_type"))) {
				throw new IllegalStateException("No " + tokenType + " token: " + this.status + " "
						+ this.json.get("token_type"));
			}
			return (String) this.json.get("access_token");
		}

	}

}
