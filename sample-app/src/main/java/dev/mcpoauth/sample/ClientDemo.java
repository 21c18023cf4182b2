package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With the {@code client-demo} profile, once the server is up, calls its own MCP server through each Spring AI MCP
 * client connection ({@code self-basic}: client_secret_basic, {@code self-jwt}: private_key_jwt) and prints the
 * tool results, once each. The starter attaches the tokens; {@code admin-report} needs {@code mcp:admin}, which the
 * registrations do not ask for at first, so its call also shows the step-up after 403 {@code insufficient_scope}.
 * Then, unless {@code sample.client-demo.exit-when-done} is {@code false} (the tests that reuse the clients), it
 * closes the clients and the application exits: no open stream holds the shutdown.
 */
@Component
@Profile("client-demo")
class ClientDemo {

	private final List<McpSyncClient> clients;

	private final ConfigurableApplicationContext context;

	private final boolean exitWhenDone;

	ClientDemo(List<McpSyncClient> clients, ConfigurableApplicationContext context,
			@Value("${sample.client-demo.exit-when-done:true}") boolean exitWhenDone) {
		this.clients = clients;
		this.context = context;
		this.exitWhenDone = exitWhenDone;
	}

	@EventListener(ApplicationReadyEvent.class)
	void callOwnServer() {
		int status = 0;
		try {
			for (McpSyncClient client : this.clients) {
				client.initialize();
				for (String tool : List.of("whoami", "admin-report")) {
					CallToolResult result = client.callTool(new CallToolRequest(tool, Map.of()));
					System.out.println("client-demo " + tool + ": " + ((TextContent) result.content().get(0)).text());
				}
			}
		}
		catch (RuntimeException ex) {
			System.out.println("client-demo failed: " + ex.getMessage());
			status = 1;
		}
		if (this.exitWhenDone) {
			this.clients.forEach(McpSyncClient::closeGracefully);
			int exitCode = status;
			System.exit(SpringApplication.exit(this.context, () -> exitCode));
		}
	}

}
