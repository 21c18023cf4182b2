package dev.mcpoauth.server.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.mcpoauth.DPoPClient;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * {@link WebTestApplication} with Spring Authorization Server in the same application (on this module's test class
 * path), which issues DPoP-bound access tokens to a token request that carries a DPoP proof, and the MCP endpoint
 * accepting them: {@code mcp.oauth.server.dpop.enabled}, resource {@code http://localhost:<port>/mcp}, required
 * scope {@code mcp:tools}, tool {@code admin-report} needing {@code mcp:admin}. The authorization server puts its
 * client id in {@code aud}, which the endpoint accepts by {@code audiences}.
 */
final class DPoPServer implements AutoCloseable {

	static final String CLIENT_ID = "dpop-client";

	private static final String SECRET = "dpop-secret";

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final WebTestApplication.Running app;

	private final int port;

	private DPoPServer(WebTestApplication.Running app, int port) {
		this.app = app;
		this.port = port;
	}

	/**
	 * @param properties {@code name=value} pairs that add to or replace the defaults; {@code name=} removes one
	 */
	static DPoPServer start(String... properties) {
		int port = freePort();
		String base = "http://localhost:" + port;
		String client = "spring.security.oauth2.authorizationserver.client.dpop.registration.";
		Map<String, String> all = new LinkedHashMap<>();
		all.put("spring.security.oauth2.authorizationserver.issuer", base);
		all.put(client + "client-id", CLIENT_ID);
		all.put(client + "client-secret", "{noop}" + SECRET);
		all.put(client + "client-authentication-methods", "client_secret_basic");
		all.put(client + "authorization-grant-types", "client_credentials");
		all.put(client + "scopes", "mcp:tools,mcp:admin");
		all.put("mcp.oauth.server.issuer-uri", base);
		all.put("mcp.oauth.server.resource", base + "/mcp");
		all.put("mcp.oauth.server.audiences", CLIENT_ID);
		all.put("mcp.oauth.server.required-scopes", "mcp:tools");
		all.put("mcp.oauth.server.tool-scopes.admin-report", "mcp:admin");
		all.put("mcp.oauth.server.dpop.enabled", "true");
		for (String property : properties) {
			int equals = property.indexOf('=');
			if (equals == property.length() - 1) {
				all.remove(property.substring(0, equals));
			}
			else {
				all.put(property.substring(0, equals), property.substring(equals + 1));
			}
		}
		all.put("server.port", String.valueOf(port));
		all.put("spring.main.banner-mode", "off");
		String[] args = all.entrySet().stream().map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		return new DPoPServer(
				new WebTestApplication.Running(new SpringApplicationBuilder(WebTestApplication.class).run(args)), port);
	}

	String url() {
		return "http://localhost:" + this.port;
	}

	String mcp() {
		return url() + "/mcp";
	}

	int port() {
		return this.port;
	}

	/** A DPoP-bound token for the client's key, from the authorization server. */
	String token(DPoPClient client, String scope) {
		return client.clientCredentials(tokenUri(), CLIENT_ID, SECRET, scope).accessToken("DPoP");
	}

	/** A plain bearer token (the token request carries no proof). */
	String bearerToken(String scope) {
		return DPoPClient.tokenRequest(tokenUri(), CLIENT_ID, SECRET, scope, null).accessToken("Bearer");
	}

	String tokenUri() {
		return url() + "/oauth2/token";
	}

	/** POST the body with the headers ({@code name, value, name, value, ...}). */
	HttpResponse<String> post(String url, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.timeout(Duration.ofSeconds(10));
		if (headers.length > 0) {
			request.headers(headers);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	HttpResponse<String> get(String url) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** POST {@code {}} to the endpoint with the token under the DPoP scheme and the proofs. */
	HttpResponse<String> dpop(String token, String... proofs) {
		String[] headers = new String[2 + 2 * proofs.length];
		headers[0] = "Authorization";
		headers[1] = "DPoP " + token;
		for (int i = 0; i < proofs.length; i++) {
			headers[2 + 2 * i] = "DPoP";
			headers[3 + 2 * i] = proofs[i];
		}
		return post(mcp(), "{}", headers);
	}

	@Override
	public void close() {
		this.app.close();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
