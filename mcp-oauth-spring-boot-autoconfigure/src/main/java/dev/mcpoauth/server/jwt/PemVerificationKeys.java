package dev.mcpoauth.server.jwt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.X509CertUtils;

import org.springframework.core.io.Resource;

/**
 * Reads a verification key from a PEM file: an X.509 {@code CERTIFICATE} (through Nimbus) or a SubjectPublicKeyInfo
 * {@code PUBLIC KEY} holding an RSA or EC key (through the JDK's {@link KeyFactory}).
 */
public final class PemVerificationKeys {

	private static final Pattern PUBLIC_KEY = Pattern
		.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

	private PemVerificationKeys() {
	}

	/**
	 * Read the key.
	 * @param location the PEM resource
	 * @return the public JWK
	 * @throws IllegalArgumentException when the file cannot be read or holds no supported public key
	 */
	public static JWK read(Resource location) {
		String pem;
		try (InputStream in = location.getInputStream()) {
			pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("cannot be read (" + ex.getMessage() + ")", ex);
		}
		if (pem.contains("-----BEGIN CERTIFICATE-----")) {
			try {
				return JWK.parse(X509CertUtils.parse(pem));
			}
			catch (JOSEException | RuntimeException ex) {
				throw new IllegalArgumentException("holds a certificate without a usable RSA or EC key", ex);
			}
		}
		Matcher matcher = PUBLIC_KEY.matcher(pem);
		if (!matcher.find()) {
			throw new IllegalArgumentException("holds neither a 'PUBLIC KEY' nor a 'CERTIFICATE' PEM block");
		}
		byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
		return toJwk(publicKey(der));
	}

	private static PublicKey publicKey(byte[] der) {
		for (String algorithm : new String[] { "RSA", "EC" }) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
			}
			catch (Exception ex) {
				// not this key type: try the next one
			}
		}
		throw new IllegalArgumentException("holds a 'PUBLIC KEY' that is neither RSA nor EC");
	}

	private static JWK toJwk(PublicKey key) {
		if (key instanceof RSAPublicKey rsa) {
			return new RSAKey.Builder(rsa).build();
		}
		ECPublicKey ec = (ECPublicKey) key;
		return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
	}

}
