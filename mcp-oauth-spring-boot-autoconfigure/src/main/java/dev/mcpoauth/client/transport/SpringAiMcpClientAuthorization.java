package dev.mcpoauth.client.transport;

import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;

import dev.mcpoauth.client.McpOAuthClients;

import org.springframework.ai.mcp.customizer.McpClientCustomizer;

/**
 * Gives each Spring AI MCP client connection ({@code spring.ai.mcp.client.streamable-http.connections.<name>}) the
 * OAuth of the registration with the same name; connections without one are left alone.
 */
public final class SpringAiMcpClientAuthorization implements McpClientCustomizer<HttpClientStreamableHttpTransport.Builder> {

	private final McpOAuthClients clients;

	/**
	 * @param clients the registrations
	 */
	public SpringAiMcpClientAuthorization(McpOAuthClients clients) {
		this.clients = clients;
	}

	@Override
	public void customize(String name, HttpClientStreamableHttpTransport.Builder builder) {
		if (this.clients.contains(name)) {
			new McpSdkTransportAuthorization(this.clients.authorization(name), this.clients.maxStepUps())
				.applyTo(builder);
		}
	}

}
