package dev.mcpoauth.conformance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mcpoauth.client.IdTokenResolver;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The client the MCP conformance suite drives. The MCP server URL is the last argument;
 * {@code MCP_CONFORMANCE_CONTEXT} (JSON) carries the credentials, which are mapped onto the starter's registration
 * properties and nothing else. Then, with the MCP Java SDK and the starter's public beans only: initialize, list
 * the tools, call the first one. Exits 0 on success, 1 on failure (with the error, never a secret).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ConformanceClient {

	private static final String PREFIX = "--mcp.oauth.client.registrations.server.";

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			System.err.println("usage: conformance-client <mcp-server-url>");
			System.exit(2);
		}
		URI server = URI.create(args[args.length - 1]);
		Map<String, Object> context = context();
		List<String> properties = properties(server, context);
		Object idToken = context.get("idp_id_token");
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ConformanceClient.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.initializers((ctx) -> {
				if (idToken != null) {
					// The user's ID token, as the signed-in user's would be: mapped from the context.
					ctx.getBeanFactory().registerSingleton("idTokenResolver", (IdTokenResolver) idToken::toString);
				}
			})
			.run(properties.toArray(String[]::new))) {
			McpOAuthClients clients = app.getBean(McpOAuthClients.class);
			HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
				.builder(server.getScheme() + "://" + server.getRawAuthority())
				.endpoint(server.getRawPath());
			new McpSdkTransportAuthorization(clients.authorization("server"), clients.maxStepUps()).applyTo(transport);
			try (McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(20)).build()) {
				client.initialize();
				List<Tool> tools = client.listTools().tools();
				System.out.println("tools: " + tools.stream().map(Tool::name).toList());
				if (!tools.isEmpty()) {
					System.out.println("called " + tools.get(0).name() + ": "
							+ client.callTool(new CallToolRequest(tools.get(0).name(), Map.of())).isError());
				}
			}
		}
		catch (Exception ex) {
			Throwable root = ex;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			System.err.println("conformance client failed: " + root.getClass().getSimpleName() + ": " + root.getMessage());
			System.exit(1);
		}
		System.exit(0);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> context() {
		String json = System.getenv("MCP_CONFORMANCE_CONTEXT");
		return (json == null || json.isBlank()) ? Map.of() : JsonMapper.builder().build().readValue(json, Map.class);
	}

	/** The context's fields as the starter's registration properties. */
	private static List<String> properties(URI server, Map<String, Object> context) throws Exception {
		List<String> properties = new ArrayList<>(List.of("--spring.main.banner-mode=off",
				"--logging.level.root=WARN", PREFIX + "server-url=" + server));
		map(properties, context, "client_id", "client-id");
		map(properties, context, "client_secret", "client-secret");
		map(properties, context, "signing_algorithm", "signing-algorithm");
		if (context.get("private_key_pem") instanceof String pem) {
			Path key = Files.createTempFile("conformance-client-key", ".pem",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			key.toFile().deleteOnExit();
			Files.writeString(key, pem);
			properties.add(PREFIX + "private-key-location=file:" + key);
		}
		if (context.containsKey("idp_id_token")) {
			properties.add(PREFIX + "flow=cross-app-access");
			map(properties, context, "idp_client_id", "cross-app-access.idp-client-id");
			map(properties, context, "idp_client_secret", "cross-app-access.idp-client-secret");
			map(properties, context, "idp_token_endpoint", "cross-app-access.idp-token-uri");
			if (!context.containsKey("idp_token_endpoint")) {
				map(properties, context, "idp_issuer", "cross-app-access.idp-issuer-uri");
			}
		}
		return properties;
	}

	private static void map(List<String> properties, Map<String, Object> context, String field, String property) {
		if (context.get(field) instanceof String value) {
			properties.add(PREFIX + property + "=" + value);
		}
	}

}
