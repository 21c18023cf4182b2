package dev.mcpoauth.client.dpop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds a DPoP proof to each token request to one authorization server (RFC 9449 section 5), and keeps the nonce any
 * answer hands out ({@code DPoP-Nonce}). An answer 400 {@code use_dpop_nonce} with a nonce the proof did not carry
 * gets one retry with a new proof carrying it (section 8); any other answer goes on as it came (its body, read to
 * find the error code, is handed on unchanged).
 */
final class DPoPTokenRequestInterceptor implements ClientHttpRequestInterceptor {

	private static final int MAX_ERROR_BODY = 16 * 1024;

	private final DPoPProofs proofs;

	private final URI issuer;

	DPoPTokenRequestInterceptor(DPoPProofs proofs, URI issuer) {
		this.proofs = proofs;
		this.issuer = issuer;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		ClientHttpResponse response = send(request, body, execution);
		String nonce = response.getHeaders().getFirst(DPoPProofs.NONCE_HEADER);
		if (response.getStatusCode().value() != 400 || nonce == null) {
			return response;
		}
		byte[] error;
		try (InputStream in = response.getBody()) {
			error = in.readNBytes(MAX_ERROR_BODY);
		}
		String sentProof = request.getHeaders().getFirst(DPoPProofs.HEADER);
		if ("use_dpop_nonce".equals(errorCode(error)) && this.proofs.onNonceRequired(request.getURI(), nonce, sentProof)) {
			response.close();
			return send(request, body, execution);
		}
		return new ReadResponse(response, error);
	}

	private ClientHttpResponse send(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String proof = this.proofs.proof(this.issuer, request.getMethod().name(), request.getURI(), null);
		request.getHeaders().set(DPoPProofs.HEADER, proof);
		ClientHttpResponse response = execution.execute(request, body);
		this.proofs.rememberNonce(request.getURI(), response.getHeaders().getFirst(DPoPProofs.NONCE_HEADER));
		return response;
	}

	private static String errorCode(byte[] body) {
		try {
			Object error = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8)).get("error");
			return (error instanceof String code) ? code : null;
		}
		catch (ParseException ex) {
			return null;
		}
	}

	/** A response whose body was read already, handed on with the bytes read. */
	private static final class ReadResponse implements ClientHttpResponse {

		private final ClientHttpResponse response;

		private final byte[] body;

		ReadResponse(ClientHttpResponse response, byte[] body) {
			this.response = response;
			this.body = body;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return this.response.getStatusCode();
		}

		@Override
		public String getStatusText() throws IOException {
			return this.response.getStatusText();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.response.getHeaders();
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(this.body);
		}

		@Override
		public void close() {
			this.response.close();
		}

	}

}
