package dev.mcpoauth.client.transport;

import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;

import dev.mcpoauth.client.McpOAuthClients;

import org.springframework.ai.mcp.customizer.McpClientCustomizer;

/**
 * Gives each Spring AI MCP client SSE connection ({@code spring.ai.mcp.client.sse.connections.<name>}) the OAuth of
 * the registration with the same name ({@link McpSdkTransportAuthorization#forSse}); connections without one are
 * left alone.
 */
public final class SpringAiMcpSseClientAuthorization implements McpClientCustomizer<HttpClientSseClientTransport.Builder> {

	private final McpOAuthClients clients;

	/**
	 * @param clients the registrations
	 */
	public SpringAiMcpSseClientAuthorization(McpOAuthClients clients) {
		this.clients = clients;
	}

	@Override
	public void customize(String name, HttpClientSseClientTransport.Builder builder) {
		if (this.clients.contains(name)) {
			McpSdkTransportAuthorization.forSse(this.clients.authorization(name), this.clients.maxStepUps())
				.applyTo(builder);
		}
	}

}
