package dev.mcpoauth.client.transport;

import io.modelcontextprotocol.client.McpClient;

import dev.mcpoauth.client.McpOAuthClients;

import org.springframework.ai.mcp.customizer.McpClientCustomizer;

/**
 * Gives each Spring AI sync MCP client whose connection has a registration of the same name a transport context
 * that carries the calling user's ID token to the transport (see {@link McpSdkTransportAuthorization}), so that
 * cross-app access finds the user whatever thread the SDK works on.
 */
public final class SpringAiMcpSyncClientAuthorization implements McpClientCustomizer<McpClient.SyncSpec> {

	private final McpOAuthClients clients;

	/**
	 * @param clients the registrations
	 */
	public SpringAiMcpSyncClientAuthorization(McpOAuthClients clients) {
		this.clients = clients;
	}

	@Override
	public void customize(String name, McpClient.SyncSpec spec) {
		if (this.clients.contains(name)) {
			new McpSdkTransportAuthorization(this.clients.authorization(name), this.clients.maxStepUps()).applyTo(spec);
		}
	}

}
