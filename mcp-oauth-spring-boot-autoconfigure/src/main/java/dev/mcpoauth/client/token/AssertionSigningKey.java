package dev.mcpoauth.client.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;

/**
 * A key that signs client assertions, with its algorithm and {@code kid}, loaded once from a PEM (PKCS#8
 * {@code PRIVATE KEY}) or JWK file. The signer is a Nimbus {@link JWSSigner}; only the private key is needed. The
 * key is never printed: {@link #toString()} names the algorithm and {@code kid} only.
 */
public final class AssertionSigningKey {

	private static final Pattern PKCS8 = Pattern
		.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

	private final JWSSigner signer;

	private final JWSAlgorithm algorithm;

	private final String keyId;

	private AssertionSigningKey(JWSSigner signer, JWSAlgorithm algorithm, String keyId) {
		this.signer = signer;
		this.algorithm = algorithm;
		this.keyId = keyId;
	}

	/**
	 * Load and check a key.
	 * @param location PEM or JWK file
	 * @param keyId the {@code kid} to name, or {@code null} for the JWK's own
	 * @param algorithm the algorithm name, or {@code null} for the key's natural one
	 * @return the key
	 * @throws IllegalArgumentException with a reason that holds no key material
	 */
	public static AssertionSigningKey load(Resource location, String keyId, String algorithm) {
		String text;
		try (InputStream in = location.getInputStream()) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("cannot be read (" + ex.getMessage() + ")");
		}
		PrivateKey key;
		String kid = keyId;
		if (text.startsWith("{")) {
			JWK jwk;
			try {
				jwk = JWK.parse(text);
				key = (jwk instanceof RSAKey rsa) ? rsa.toPrivateKey() : ((ECKey) jwk).toPrivateKey();
			}
			catch (java.text.ParseException | JOSEException | ClassCastException ex) {
				throw new IllegalArgumentException("is not a private RSA or EC JWK");
			}
			if (key == null) {
				throw new IllegalArgumentException("holds a public JWK, not a private one");
			}
			kid = (kid != null) ? kid : jwk.getKeyID();
		}
		else {
			key = pkcs8(text);
		}
		return create(key, kid, algorithm);
	}

	/**
	 * Load and check a configured key, failing with the property to fix.
	 * @param prefix the prefix of the properties, ending with a dot, e.g.
	 * {@code mcp.oauth.client.registrations.<name>.}
	 * @param location the value of {@code <prefix>private-key-location}
	 * @param keyId the value of {@code <prefix>key-id}
	 * @param algorithm the value of {@code <prefix>signing-algorithm}
	 * @return the key
	 * @throws InvalidConfigurationPropertyValueException naming {@code private-key-location} or
	 * {@code signing-algorithm}, with a reason that holds no key material
	 */
	public static AssertionSigningKey loadConfigured(String prefix, Resource location, String keyId, String algorithm) {
		try {
			return load(location, keyId, algorithm);
		}
		catch (IllegalArgumentException ex) {
			boolean wrongAlgorithm = ex.getMessage() != null && ex.getMessage().contains("cannot sign");
			throw new InvalidConfigurationPropertyValueException(
					prefix + (wrongAlgorithm ? "signing-algorithm" : "private-key-location"),
					wrongAlgorithm ? algorithm : location, "The private key file " + ex.getMessage());
		}
	}

	private static PrivateKey pkcs8(String pem) {
		Matcher matcher = PKCS8.matcher(pem);
		if (!matcher.find()) {
			throw new IllegalArgumentException("holds no PKCS#8 'PRIVATE KEY' PEM block (convert a traditional "
					+ "'RSA/EC PRIVATE KEY' with: openssl pkcs8 -topk8 -nocrypt)");
		}
		byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
		for (String type : new String[] { "RSA", "EC" }) {
			try {
				return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
			catch (Exception ex) {
				// not this key type: try the next one
			}
		}
		throw new IllegalArgumentException("holds a private key that is neither RSA nor EC");
	}

	private static AssertionSigningKey create(PrivateKey key, String keyId, String algorithmName) {
		try {
			JWSSigner signer;
			JWSAlgorithm natural;
			if (key instanceof RSAPrivateKey rsa) {
				signer = new RSASSASigner(rsa);
				natural = JWSAlgorithm.RS256;
			}
			else if (key instanceof ECPrivateKey ec) {
				ECDSASigner ecdsa = new ECDSASigner(ec);
				signer = ecdsa;
				natural = ecdsa.supportedJWSAlgorithms().iterator().next();
			}
			else {
				throw new IllegalArgumentException("holds a key that is neither RSA nor EC");
			}
			JWSAlgorithm algorithm = (algorithmName != null) ? JWSAlgorithm.parse(algorithmName) : natural;
			if (!signer.supportedJWSAlgorithms().contains(algorithm)) {
				throw new IllegalArgumentException("holds a key that cannot sign " + algorithm.getName() + " (it signs "
						+ signer.supportedJWSAlgorithms() + ")");
			}
			return new AssertionSigningKey(signer, algorithm, keyId);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("holds an unusable key (" + ex.getMessage() + ")");
		}
	}

	JWSSigner signer() {
		return this.signer;
	}

	JWSAlgorithm algorithm() {
		return this.algorithm;
	}

	String keyId() {
		return this.keyId;
	}

	@Override
	public String toString() {
		return "AssertionSigningKey[" + this.algorithm + ", kid=" + this.keyId + "]";
	}

}
