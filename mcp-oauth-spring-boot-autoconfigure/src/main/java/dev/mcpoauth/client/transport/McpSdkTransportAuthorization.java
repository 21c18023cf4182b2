package dev.mcpoauth.client.transport;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.mcpoauth.client.McpAuthorization;

import org.springframework.http.HttpHeaders;

/**
 * Plugs a registration into the MCP Java SDK's {@link HttpClientStreamableHttpTransport}: a request customizer
 * that attaches the token, and an authorization error handler that, after 401 or 403 {@code insufficient_scope},
 * gets a new token and lets the SDK replay the request.
 */
public final class McpSdkTransportAuthorization
		implements McpSyncHttpClientRequestCustomizer, McpHttpClientTransportAuthorizationErrorHandler {

	private final McpAuthorization authorization;

	private final int maxReplays;

	/**
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 */
	public McpSdkTransportAuthorization(McpAuthorization authorization, int maxStepUps) {
		this.authorization = authorization;
		this.maxReplays = 1 + maxStepUps;
	}

	/**
	 * Install on a transport builder.
	 * @param builder the builder
	 * @return the builder
	 */
	public HttpClientStreamableHttpTransport.Builder applyTo(HttpClientStreamableHttpTransport.Builder builder) {
		return builder.addHttpRequestCustomizer(this).authorizationErrorHandler(this);
	}

	@Override
	public void customize(HttpRequest.Builder builder, String method, URI endpoint, String body,
			McpTransportContext context) {
		String token = this.authorization.tokenForRequest();
		if (token != null) {
			builder.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
		}
	}

	@Override
	public Publisher<Boolean> handle(HttpRequestSnapshot request, HttpResponse.ResponseInfo response,
			McpTransportContext context) {
		return Mono
			.fromCallable(() -> this.authorization.onErrorResponse(response.statusCode(),
					response.headers().allValues(HttpHeaders.WWW_AUTHENTICATE),
					request.headers().firstValue(HttpHeaders.AUTHORIZATION).orElse(null)))
			.subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public int maxRetries() {
		return this.maxReplays;
	}

	@Override
	public String toString() {
		return "McpSdkTransportAuthorization[" + this.authorization.name() + "]";
	}

}
