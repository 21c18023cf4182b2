package dev.mcpoauth.server.jwt;

import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;

/**
 * Selects verification keys by the token's header ({@code kid}, {@code alg}), as Nimbus's
 * {@code JWSVerificationKeySelector} does, from an allow-list of algorithms, but converts each JWK to a Java key
 * only once: Nimbus's selector runs a {@code KeyFactory} on every token, which made validation 1.5 times the cost
 * of verifying the signature (see the benchmarks module).
 */
final class KidKeySelector implements JWSKeySelector<SecurityContext> {

	private static final int MAX_CONVERTED_KEYS = 64;

	private final Set<JWSAlgorithm> algorithms;

	private final JWKSource<SecurityContext> keys;

	private final JwkDerivedValues<List<Key>> converted = new JwkDerivedValues<>(KidKeySelector::javaKeys,
			MAX_CONVERTED_KEYS);

	/** The selector of the header seen last: most tokens name the same key. */
	private volatile HeaderSelector last;

	KidKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
		this.algorithms = Set.copyOf(algorithms);
		this.keys = keys;
	}

	@Override
	public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
		if (!this.algorithms.contains(header.getAlgorithm())) {
			return List.of();
		}
		JWKSelector selector = selector(header);
		if (selector == null) {
			return List.of();
		}
		List<JWK> jwks = this.keys.get(selector, context);
		if (jwks.size() == 1) {
			return this.converted.get(jwks.get(0));
		}
		List<Key> selected = new ArrayList<>();
		for (JWK jwk : jwks) {
			selected.addAll(this.converted.get(jwk));
		}
		return selected;
	}

	/**
	 * Nimbus's selector of the keys a header may name ({@code JWKMatcher.forJWSHeader}, which reads the algorithm,
	 * the {@code kid} and the {@code x5t#S256}), made again only when one of those differs from the last header's.
	 */
	private JWKSelector selector(JWSHeader header) {
		HeaderSelector last = this.last;
		if (last != null && last.algorithm().equals(header.getAlgorithm())
				&& Objects.equals(last.keyId(), header.getKeyID())
				&& Objects.equals(last.thumbprint(), header.getX509CertSHA256Thumbprint())) {
			return last.selector();
		}
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			return null;
		}
		JWKSelector selector = new JWKSelector(matcher);
		this.last = new HeaderSelector(header.getAlgorithm(), header.getKeyID(),
				header.getX509CertSHA256Thumbprint(), selector);
		return selector;
	}

	private static List<Key> javaKeys(JWK jwk) {
		return KeyConverter.toJavaKeys(List.of(jwk))
			.stream()
			.filter((key) -> key instanceof PublicKey || key instanceof javax.crypto.SecretKey)
			.toList();
	}

	private record HeaderSelector(JWSAlgorithm algorithm, String keyId, Base64URL thumbprint, JWKSelector selector) {
	}

}
