package dev.mcpoauth.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * Plain HTTP calls for tests, with the JDK client: raw MCP requests, metadata fetches, token requests.
 */
final class Http {

	static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
			"capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Http() {
	}

	static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** POST an MCP initialize request with the given Authorization header value (or none). */
	static HttpResponse<String> initialize(String url, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return send(request);
	}

	static HttpResponse<String> get(String url, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	/** A client_credentials token with client_secret_basic. */
	static String clientCredentialsToken(String tokenUri, String clientId, String secret, String scope) {
		String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes());
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(tokenUri))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + scope.replace(" ", "%20"))));
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Token request failed: " + response.statusCode() + " " + response.body());
		}
		return (String) json(response.body()).get("access_token");
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> json(String body) {
		return JSON.readValue(body, Map.class);
	}

}
