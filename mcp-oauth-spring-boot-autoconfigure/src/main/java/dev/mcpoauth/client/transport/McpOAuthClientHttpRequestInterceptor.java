package dev.mcpoauth.client.transport;

import java.io.IOException;

import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.RequestCredentials;
import dev.mcpoauth.client.ServerUrlScope;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Attaches a registration's token to requests of a Spring {@code RestClient} (or {@code RestTemplate}), and
 * replays a request once after 401, and after 403 {@code insufficient_scope} with a wider token up to the step-up
 * limit. Only requests under the registration's {@code server-url} ({@link ServerUrlScope}) are touched; any other
 * goes out as it is, and its answer is passed on. The user's ID token (cross-app access) is read once per request,
 * on the calling thread. The headers (a bearer token, or a DPoP-bound token and its proof) come from
 * {@link McpAuthorization#credentials} for each attempt; a call gets at most one DPoP nonce replay.
 */
public final class McpOAuthClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private final McpAuthorization authorization;

	private final ServerUrlScope scope;

	private final int maxReplays;

	/**
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 */
	public McpOAuthClientHttpRequestInterceptor(McpAuthorization authorization, int maxStepUps) {
		this.authorization = authorization;
		this.scope = new ServerUrlScope(authorization.serverUrl());
		this.maxReplays = 1 + maxStepUps;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!this.scope.covers(request.getURI())) {
			return execution.execute(request, body);
		}
		String idToken = this.authorization.currentIdToken();
		attach(request, idToken);
		ClientHttpResponse response = execution.execute(request, body);
		boolean nonceReplayed = false;
		for (int replay = 0; replay < this.maxReplays && isAuthorizationError(response); replay++) {
			McpAuthorization.Refusal refusal = refusal(request, response);
			boolean nonce = this.authorization.isNonceChallenge(refusal);
			if (!this.authorization.onErrorResponse(refusal, idToken, nonceReplayed)) {
				break;
			}
			nonceReplayed |= nonce;
			response.close();
			attach(request, idToken);
			response = execution.execute(request, body);
		}
		return response;
	}

	private void attach(HttpRequest request, String idToken) {
		RequestCredentials credentials = this.authorization.credentials(request.getMethod().name(), request.getURI(),
				idToken);
		if (credentials != null) {
			credentials.applyTo(request.getHeaders()::set);
		}
	}

	private static McpAuthorization.Refusal refusal(HttpRequest request, ClientHttpResponse response)
			throws IOException {
		return new McpAuthorization.Refusal(request.getURI(), response.getStatusCode().value(),
				response.getHeaders().getOrEmpty(HttpHeaders.WWW_AUTHENTICATE),
				response.getHeaders().getFirst(RequestCredentials.DPOP_NONCE),
				request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION),
				request.getHeaders().getFirst(RequestCredentials.DPOP));
	}

	private static boolean isAuthorizationError(ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		return status == 401 || status == 403;
	}

}
