package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * An authorization server that runs inside this application (Spring Authorization Server): its issuer and its
 * signing keys. Tokens it issued are verified against those keys directly, with no HTTP call to ourselves.
 */
public final class InProcessAuthorizationServer {

	private final Supplier<String> issuer;

	private final Supplier<JWKSource<SecurityContext>> keys;

	/**
	 * @param issuer supplies the configured issuer of the in-process server, or {@code null} when it has none
	 * @param keys supplies its key source, or {@code null} when it has none
	 */
	public InProcessAuthorizationServer(Supplier<String> issuer, Supplier<JWKSource<SecurityContext>> keys) {
		this.issuer = issuer;
		this.keys = keys;
	}

	/**
	 * The in-process key source, if the in-process server is the given issuer.
	 * @param expectedIssuer the issuer the resource server trusts, or {@code null}
	 * @return the key source, or {@code null} when the issuers differ or either is unknown
	 */
	public JWKSource<SecurityContext> keysFor(URI expectedIssuer) {
		String localIssuer = this.issuer.get();
		if (expectedIssuer == null || localIssuer == null || !localIssuer.equals(expectedIssuer.toString())) {
			return null;
		}
		return this.keys.get();
	}

}
