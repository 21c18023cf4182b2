package dev.mcpoauth.server.jwt;

import java.util.List;

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

	/** The public parts of local keys (the local set holds a handful). */
	private final JwkDerivedValues<JWK> publicParts = new JwkDerivedValues<>(JWK::toPublicJWK, MAX_KEYS);

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
		if (local.size() == 1) {
			return List.of(this.publicParts.get(local.get(0)));
		}
		if (!local.isEmpty()) {
			return local.stream().map(this.publicParts::get).toList();
		}
		return this.remote.get(jwkSelector, context);
	}

}
