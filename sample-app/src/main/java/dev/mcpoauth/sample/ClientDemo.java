package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With the {@code client-demo} profile, once the server is up, calls its own MCP server through each Spring AI MCP
 * client connection ({@code self-basic}: client_secret_basic, {@code self-jwt}: private_key_jwt) and prints the
 * tool results. The starter attaches the tokens; {@code admin-report} needs {@code mcp:admin}, which the
 * registrations do not ask for at first, so its call also shows the step-up after 403 {@code insufficient_scope}.
 */
@Component
@Profile("client-demo")
class ClientDemo {

	private static final Log logger = LogFactory.getLog(ClientDemo.class);

	private final List<McpSyncClient> clients;

	ClientDemo(List<McpSyncClient> clients) {
		this.clients = clients;
	}

	@EventListener(ApplicationReadyEvent.class)
	void callOwnServer() {
		for (McpSyncClient client : this.clients) {
			client.initialize();
			for (String tool : List.of("whoami", "admin-report")) {
				CallToolResult result = client.callTool(new CallToolRequest(tool, Map.of()));
				String text = ((TextContent) result.content().get(0)).text();
				logger.info("[" + client.getClientInfo().name() + "] " + tool + " -> " + text);
				System.out.println("client-demo " + tool + ": " + text);
			}
		}
	}

}
