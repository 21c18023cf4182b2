package dev.mcpoauth.testidp;

import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * The test identity provider's signing keys, which a test can replace to rotate them.
 */
public final class RotatingJwkSource implements JWKSource<SecurityContext> {

	private volatile JWKSet keys;

	public RotatingJwkSource(JWK... keys) {
		this.keys = new JWKSet(List.of(keys));
	}

	/** Replace every key: the old ones are gone from the JWK Set at once. */
	public void rotate(JWK... keys) {
		this.keys = new JWKSet(List.of(keys));
	}

	@Override
	public List<JWK> get(JWKSelector jwkSelector, SecurityContext context) {
		return jwkSelector.select(this.keys);
	}

}
