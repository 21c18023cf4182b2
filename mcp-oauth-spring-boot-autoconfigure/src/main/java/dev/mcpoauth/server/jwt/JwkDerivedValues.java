package dev.mcpoauth.server.jwt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.nimbusds.jose.jwk.JWK;

/**
 * Values made from JWKs (a Java key, a public part), each made once per key: the key asked last is recognised by
 * identity, without {@code JWK.hashCode()} (which hashes every parameter of the key, on every token), the others are
 * looked up in a map of at most {@code maxKeys} entries, cleared when full (a key set holds a handful).
 *
 * @param <V> the type of the values
 */
final class JwkDerivedValues<V> {

	private final Function<JWK, V> make;

	private final int maxKeys;

	private final Map<JWK, V> values = new ConcurrentHashMap<>();

	private volatile Map.Entry<JWK, V> last;

	/**
	 * @param make makes the value of a key
	 * @param maxKeys the most keys whose values are held
	 */
	JwkDerivedValues(Function<JWK, V> make, int maxKeys) {
		this.make = make;
		this.maxKeys = maxKeys;
	}

	/**
	 * The value of a key, made on first use.
	 * @param jwk the key
	 * @return its value
	 */
	V get(JWK jwk) {
		Map.Entry<JWK, V> last = this.last;
		if (last != null && last.getKey() == jwk) {
			return last.getValue();
		}
		V value = this.values.get(jwk);
		if (value == null) {
			if (this.values.size() >= this.maxKeys) {
				this.values.clear();
			}
			value = this.make.apply(jwk);
			this.values.put(jwk, value);
		}
		this.last = Map.entry(jwk, value);
		return value;
	}

}
