package dev.mcpoauth.client;

import java.util.function.BiConsumer;

import dev.mcpoauth.client.dpop.DPoPProofs;

/**
 * What one request to an MCP server carries to be authorized: the {@code Authorization} header value
 * ({@code Bearer <token>}, or {@code DPoP <token>} for a DPoP-bound token) and, with DPoP, the request's proof for
 * the {@code DPoP} header (RFC 9449 section 7.1). Made by {@link McpAuthorization} for the request's exact method
 * and URL; every transport only writes the headers. {@link #toString()} shows neither value.
 *
 * @param authorization the {@code Authorization} header value
 * @param dpopProof the {@code DPoP} header value, or {@code null} for a bearer token
 */
public record RequestCredentials(String authorization, String dpopProof) {

	/** The {@code Authorization} header. */
	public static final String AUTHORIZATION = "Authorization";

	/** The DPoP proof header. */
	public static final String DPOP = DPoPProofs.HEADER;

	/** The header of server-provided DPoP nonces. */
	public static final String DPOP_NONCE = DPoPProofs.NONCE_HEADER;

	/**
	 * Write the headers.
	 * @param setHeader sets a header, replacing any value it had
	 */
	public void applyTo(BiConsumer<String, String> setHeader) {
		setHeader.accept(AUTHORIZATION, this.authorization);
		if (this.dpopProof != null) {
			setHeader.accept(DPOP, this.dpopProof);
		}
	}

	@Override
	public String toString() {
		return "RequestCredentials[" + ((this.dpopProof != null) ? "DPoP" : "Bearer") + " (hidden)]";
	}

}
