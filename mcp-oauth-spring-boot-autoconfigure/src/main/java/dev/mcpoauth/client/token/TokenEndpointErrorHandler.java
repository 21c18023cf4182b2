package dev.mcpoauth.client.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

/**
 * Turns an error answer of a token endpoint into a {@link McpOAuthClientException} carrying the HTTP status and,
 * when the body is an OAuth error object, its {@code error} and {@code error_description}. A body that is not
 * JSON is reported as such, never echoed.
 */
final class TokenEndpointErrorHandler implements RestClient.ResponseSpec.ErrorHandler {

	private static final int MAX_ERROR_BODY = 16 * 1024;

	private static final int MAX_DESCRIPTION = 300;

	private final String registration;

	TokenEndpointErrorHandler(String registration) {
		this.registration = registration;
	}

	@Override
	public void handle(HttpRequest request, ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		String body;
		try (InputStream in = response.getBody()) {
			body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
		}
		Map<String, Object> json;
		try {
			json = JSONObjectUtils.parse(body);
		}
		catch (java.text.ParseException ex) {
			String contentType = response.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
			throw new McpOAuthClientException(this.registration, "invalid_error_response",
					"The token endpoint answered with a body that is not an OAuth error object (Content-Type: "
							+ contentType + ")" + retryAfter(response),
					status);
		}
		Object error = json.get("error");
		Object description = json.get("error_description");
		String text = ((description instanceof String d) ? truncate(d) : "") + retryAfter(response);
		throw new McpOAuthClientException(this.registration,
				(error instanceof String code) ? code : "invalid_error_response", text.isEmpty() ? null : text.trim(),
				status);
	}

	private static String retryAfter(ClientHttpResponse response) {
		String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
		return (retryAfter != null) ? " (Retry-After: " + truncate(retryAfter) + ")" : "";
	}

	private static String truncate(String text) {
		return (text.length() > MAX_DESCRIPTION) ? text.substring(0, MAX_DESCRIPTION) + "..." : text;
	}

}
