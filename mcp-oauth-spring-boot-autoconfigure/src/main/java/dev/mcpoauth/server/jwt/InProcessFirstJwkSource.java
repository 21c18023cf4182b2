package dev.mcpoauth.server.jwt;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * Keys from the authorization server that runs in this very application, read in-process; the remote JWK Set is
 * asked only when the local source has no matching key. Only public parts of local keys are handed out.
 */
public final class InProcessFirstJwkSource implements JWKSource<SecurityContext> {

	private static final int MAX_KEYS = 64;

	private final JWKSource<SecurityContext> inProcess;

	private final Map<JWK, JWK> publicParts = new ConcurrentHashMap<>();

	private final JWKSource<SecurityContext> remote;

	/**
	 * @param inProcess the in-process authorization server's key source
	 * @param remote the source to fall back to
	 */
	public InProcessFirstJwkSource(JWKSource<SecurityContext> inProcess, JWKSource<SecurityContext> remote) {
		this.inProcess = inProcess;
		this.remote = remote;
	}

	@Override
	public List<JWK> get(JWKSelector jwkSelector, SecurityContext context) throws KeySourceException {
		List<JWK> local = this.inProcess.get(jwkSelector, context);
		if (!local.isEmpty()) {
			return local.stream().map(this::publicPart).toList();
		}
		return this.remote.get(jwkSelector, context);
	}

	/** The public part of a local key, made once per key (the local set holds a handful). */
	private JWK publicPart(JWK key) {
		JWK publicKey = this.publicParts.get(key);
		if (publicKey == null) {
			if (this.publicParts.size() >= MAX_KEYS) {
				this.publicParts.clear();
			}
			publicKey = key.toPublicJWK();
			this.publicParts.put(key, publicKey);
		}
		return publicKey;
	}

}
