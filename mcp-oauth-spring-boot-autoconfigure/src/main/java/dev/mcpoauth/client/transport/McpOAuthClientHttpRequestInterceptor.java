package dev.mcpoauth.client.transport;

import java.io.IOException;

import dev.mcpoauth.client.McpAuthorization;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Attaches a registration's token to requests of a Spring {@code RestClient} (or {@code RestTemplate}), and
 * replays a request once after 401, and after 403 {@code insufficient_scope} with a wider token up to the step-up
 * limit.
 */
public final class McpOAuthClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private final McpAuthorization authorization;

	private final int maxReplays;

	/**
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 */
	public McpOAuthClientHttpRequestInterceptor(McpAuthorization authorization, int maxStepUps) {
		this.authorization = authorization;
		this.maxReplays = 1 + maxStepUps;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		attach(request);
		ClientHttpResponse response = execution.execute(request, body);
		for (int replay = 0; replay < this.maxReplays && isAuthorizationError(response)
				&& this.authorization.onErrorResponse(response.getStatusCode().value(),
						response.getHeaders().getOrEmpty(HttpHeaders.WWW_AUTHENTICATE),
						request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)); replay++) {
			response.close();
			attach(request);
			response = execution.execute(request, body);
		}
		return response;
	}

	private void attach(HttpRequest request) {
		String token = this.authorization.tokenForRequest();
		if (token != null) {
			request.getHeaders().setBearerAuth(token);
		}
	}

	private static boolean isAuthorizationError(ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		return status == 401 || status == 403;
	}

}
