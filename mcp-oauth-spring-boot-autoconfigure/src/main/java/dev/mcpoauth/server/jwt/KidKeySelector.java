package dev.mcpoauth.server.jwt;

import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

	private final Map<JWK, List<Key>> converted = new ConcurrentHashMap<>();

	KidKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
		this.algorithms = Set.copyOf(algorithms);
		this.keys = keys;
	}

	@Override
	public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
		if (!this.algorithms.contains(header.getAlgorithm())) {
			return List.of();
		}
		JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
		if (matcher == null) {
			return List.of();
		}
		List<Key> selected = new ArrayList<>();
		for (JWK jwk : this.keys.get(new JWKSelector(matcher), context)) {
			selected.addAll(javaKeys(jwk));
		}
		return selected;
	}

	private List<Key> javaKeys(JWK jwk) {
		List<Key> keys = this.converted.get(jwk);
		if (keys == null) {
			keys = KeyConverter.toJavaKeys(List.of(jwk))
				.stream()
				.filter((key) -> key instanceof PublicKey || key instanceof javax.crypto.SecretKey)
				.toList();
			if (this.converted.size() >= MAX_CONVERTED_KEYS) {
				this.converted.clear();
			}
			this.converted.put(jwk, keys);
		}
		return keys;
	}

}
