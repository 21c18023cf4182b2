package dev.mcpoauth.conformance;

import java.net.URI;
import java.net.http.HttpClient;
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
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The client the MCP conformance suite drives. The MCP server URL is the last argument;
 * {@code MCP_CONFORMANCE_CONTEXT} (JSON) carries the credentials, which are mapped onto the starter's registration
 * properties and nothing else. The flow is the one a real application would configure for the scenario: client
 * credentials for the {@code auth/client-credentials-*} scenarios (a machine client), workload identity when the
 * context carries a platform-issued JWT ({@code valid_jwt}, written to a file as a projected token would be),
 * cross-app access when the context carries the user's ID token, DPoP for the {@code auth/dpop*} scenarios, and
 * otherwise the user-delegated authorization code flow with the starter's
 * headless user agent, a loopback redirect URI, dynamic client registration as a native application, and the client
 * ID metadata document URL the suite's scenarios expect ({@link #CLIENT_ID_METADATA_DOCUMENT}).
 * <p>
 * Then, with the starter's public beans only: for protocol version 2025-11-25 and earlier, with the MCP Java SDK
 * (which does not speak 2026-07-28 yet): initialize, list the tools, call the first one; for 2026-07-28
 * ({@code MCP_CONFORMANCE_PROTOCOL_VERSION}), the same stateless requests ({@code tools/list}, {@code tools/call})
 * through a {@code RestClient} with the starter's interceptor. Exits 0 on success, 1 on failure (with the error,
 * never a secret).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ConformanceClient {

	private static final String PREFIX = "--mcp.oauth.client.registrations.server.";

	/**
	 * The client ID metadata document URL the suite's authorization servers expect from a client that supports them
	 * (its scenarios {@code auth/basic-cimd} and {@code auth/offline-access-scope} check for this client_id; the
	 * suite never fetches it to authorize).
	 */
	static final String CLIENT_ID_METADATA_DOCUMENT = "https://conformance-test.local/client-metadata.json";

	private static final String MODERN_PROTOCOL = "2026-07-28";

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
			if (MODERN_PROTOCOL.equals(System.getenv("MCP_CONFORMANCE_PROTOCOL_VERSION"))) {
				statelessCalls(server, clients);
				System.exit(0);
			}
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

	/**
	 * MCP 2026-07-28: stateless requests, each carrying the protocol version in its header and its {@code _meta}, and
	 * the method (and tool name) in {@code Mcp-Method} ({@code Mcp-Name}); the starter's interceptor attaches the
	 * token and replays after 401 and 403.
	 */
	@SuppressWarnings("unchecked")
	private static void statelessCalls(URI server, McpOAuthClients clients) {
		JsonMapper json = JsonMapper.builder().build();
		RestClient rest = RestClient.builder()
			.requestFactory(new JdkClientHttpRequestFactory(HttpClient.newHttpClient()))
			.requestInterceptor(clients.restClientInterceptor("server"))
			.build();
		Map<String, Object> meta = Map.of("io.modelcontextprotocol/protocolVersion", MODERN_PROTOCOL,
				"io.modelcontextprotocol/clientCapabilities", Map.of(), "io.modelcontextprotocol/clientInfo",
				Map.of("name", "mcp-oauth-conformance-client", "version", "1"));
		Map<String, Object> listed = json.readValue(rest.post()
			.uri(server)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM)
			.header("MCP-Protocol-Version", MODERN_PROTOCOL)
			.header("Mcp-Method", "tools/list")
			.body(json.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", "tools/list", "params",
					Map.of("_meta", meta))))
			.retrieve()
			.body(String.class), Map.class);
		List<Map<String, Object>> tools = (List<Map<String, Object>>) ((Map<String, Object>) listed.get("result"))
			.get("tools");
		System.out.println("tools: " + tools.stream().map((tool) -> tool.get("name")).toList());
		if (!tools.isEmpty()) {
			String name = String.valueOf(tools.get(0).get("name"));
			String called = rest.post()
				.uri(server)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM)
				.header("MCP-Protocol-Version", MODERN_PROTOCOL)
				.header("Mcp-Method", "tools/call")
				.header("Mcp-Name", name)
				.body(json.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call", "params",
						Map.of("name", name, "arguments", Map.of(), "_meta", meta))))
				.retrieve()
				.body(String.class);
			System.out.println("called " + name + ": " + !called.contains("\"result\""));
		}
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
			properties.add(PREFIX + "private-key-location=file:" + secretFile("conformance-client-key", pem));
		}
		String scenario = String.valueOf(System.getenv("MCP_CONFORMANCE_SCENARIO"));
		if (scenario.startsWith("auth/dpop")) {
			// The DPoP scenarios test a client configured for sender-constrained tokens.
			properties.add(PREFIX + "dpop.enabled=true");
		}
		if (context.get("valid_jwt") instanceof String workloadToken) {
			// The platform-issued JWT, as a projected token file would hold it.
			properties.add(PREFIX + "flow=workload-identity");
			properties.add(PREFIX + "workload-identity.token-file="
					+ secretFile("conformance-workload-token", workloadToken));
		}
		else if (context.containsKey("idp_id_token")) {
			properties.add(PREFIX + "flow=cross-app-access");
			map(properties, context, "idp_client_id", "cross-app-access.idp-client-id");
			map(properties, context, "idp_client_secret", "cross-app-access.idp-client-secret");
			map(properties, context, "idp_token_endpoint", "cross-app-access.idp-token-uri");
			if (!context.containsKey("idp_token_endpoint")) {
				map(properties, context, "idp_issuer", "cross-app-access.idp-issuer-uri");
			}
		}
		else if (!scenario.startsWith("auth/client-credentials")) {
			properties.add(PREFIX + "flow=authorization-code");
			// A pre-registered client is bound to the authorization server the suite names for it.
			map(properties, context, "issuer", "issuer-uri");
			if (!context.containsKey("client_id")) {
				properties.add(PREFIX + "authorization-code.client-id-metadata-document=" + CLIENT_ID_METADATA_DOCUMENT);
			}
			properties.add(PREFIX + "authorization-code.application-type=native");
			properties.add(PREFIX + "authorization-code.redirect-uri=http://127.0.0.1/mcp-oauth/callback");
		}
		return properties;
	}

	/** A file only this user can read, deleted on exit. */
	private static Path secretFile(String prefix, String content) throws Exception {
		Path file = Files.createTempFile(prefix, ".txt",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		file.toFile().deleteOnExit();
		Files.writeString(file, content);
		return file;
	}

	private static void map(List<String> properties, Map<String, Object> context, String field, String property) {
		if (context.get(field) instanceof String value) {
			properties.add(PREFIX + property + "=" + value);
		}
	}

}
