package dev.mcpoauth.client;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;

/**
 * An MCP server's metadata and its authorization server on one loopback stub: Protected Resource Metadata at the
 * path-suffixed well-known URI for {@code /mcp}, RFC 8414 metadata, and a token endpoint at {@code /token} that
 * answers with a fresh opaque token (or whatever the test sets) and records each request.
 */
final class StubAuthorizationServer implements AutoCloseable {

	final StubHttpServer http = new StubHttpServer();

	final AtomicReference<Function<Request, Response>> tokenResponse = new AtomicReference<>(
			(request) -> token(300));

	StubAuthorizationServer() {
		this(java.util.List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
	}

	StubAuthorizationServer(java.util.List<String> authMethods) {
		this.http.serve("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"" + mcp()
				+ "\",\"authorization_servers\":[\"" + issuer() + "\"],\"scopes_supported\":[\"a\",\"b\"]}");
		this.http.serve("/.well-known/oauth-authorization-server",
				"{\"issuer\":\"" + issuer() + "\",\"token_endpoint\":\"" + issuer()
						+ "/token\",\"token_endpoint_auth_methods_supported\":" + json(authMethods) + "}");
		this.http.handle("/token", (request) -> this.tokenResponse.get().apply(request));
	}

	static Response token(int expiresIn) {
		return Response.json("{\"access_token\":\"at-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\",\"expires_in\":"
				+ expiresIn + "}");
	}

	String issuer() {
		return this.http.url();
	}

	String mcp() {
		return this.http.url() + "/mcp";
	}

	java.util.List<Request> tokenRequests() {
		return this.http.requestsTo("/token");
	}

	private static String json(java.util.List<String> values) {
		return values.stream().map((v) -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
	}

	@Override
	public void close() {
		this.http.close();
	}

}
