package dev.mcpoauth.client.dpop;

import java.io.IOException;
import java.net.URI;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds a DPoP proof to each token request to one authorization server (RFC 9449 section 5), and keeps the nonce any
 * answer hands out ({@code DPoP-Nonce}). It never resends a request itself: the retry after 400
 * {@code use_dpop_nonce} (section 8) is made at the grant level ({@code TokenEndpoints.exchange}), so that the
 * retried request is built anew (a new client assertion with {@code private_key_jwt}) and its proof carries the
 * nonce kept here.
 */
final class DPoPTokenRequestInterceptor implements ClientHttpRequestInterceptor {

	private final DPoPProofs proofs;

	private final URI issuer;

	DPoPTokenRequestInterceptor(DPoPProofs proofs, URI issuer) {
		this.proofs = proofs;
		this.issuer = issuer;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String proof = this.proofs.proof(this.issuer, request.getMethod().name(), request.getURI(), null);
		request.getHeaders().set(DPoPProofs.HEADER, proof);
		ClientHttpResponse response = execution.execute(request, body);
		this.proofs.rememberNonce(request.getURI(), response.getHeaders().getFirst(DPoPProofs.NONCE_HEADER));
		return response;
	}

}
