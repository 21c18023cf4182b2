package dev.mcpoauth.server.jwt;

import java.security.Key;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * Selects one configured key (a PEM public key or an HMAC secret) for tokens whose algorithm is allowed and fits
 * the key's type, whatever {@code kid} they name, as Spring Security's {@code withPublicKey} decoder does.
 */
final class StaticKeySelector implements JWSKeySelector<SecurityContext> {

	private final KeyType keyType;

	private final Set<JWSAlgorithm> algorithms;

	private final List<Key> keys;

	StaticKeySelector(JWK key, Set<JWSAlgorithm> algorithms) {
		this.keyType = key.getKeyType();
		this.algorithms = Set.copyOf(algorithms);
		this.keys = List.copyOf(KeyConverter.toJavaKeys(List.of(key)));
	}

	@Override
	public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
		JWSAlgorithm algorithm = header.getAlgorithm();
		if (!this.algorithms.contains(algorithm) || !this.keyType.equals(KeyType.forAlgorithm(algorithm))) {
			return List.of();
		}
		return this.keys;
	}

}
