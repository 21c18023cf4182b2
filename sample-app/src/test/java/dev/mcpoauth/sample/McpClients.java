package dev.mcpoauth.sample;

import java.time.Duration;
import java.util.function.Supplier;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;

/**
 * Real MCP Java SDK clients for tests, sending a bearer token on every request.
 */
final class McpClients {

	private McpClients() {
	}

	static McpSyncClient withToken(String baseUrl, Supplier<String> token) {
		HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(baseUrl)
			.endpoint("/mcp")
			.httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
					"Bearer " + token.get()))
			.build();
		return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
	}

}
