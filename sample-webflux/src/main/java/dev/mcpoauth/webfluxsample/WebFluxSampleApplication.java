package dev.mcpoauth.webfluxsample;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * An MCP server on WebFlux (Spring AI's {@code spring-ai-starter-mcp-server-webflux}) protected by the starter with
 * properties only ({@code sample-webflux.yml}): the same tools and scopes as {@code sample-app}, whose authorization
 * server issues its tokens ({@code mcp.oauth.server.issuer-uri}). Start {@code sample-app} with
 * {@code --mcp.oauth.server.resource=http://localhost:8081/mcp} (the audience of its tokens) first.
 */
@SpringBootApplication
public class WebFluxSampleApplication {

	/** The configuration file of this application, kept apart from sample-app's {@code application.yml}. */
	public static final String CONFIG_NAME = "sample-webflux";

	private static final Map<String, Object> NO_ARGUMENTS = Map.of("type", "object", "properties", Map.of());

	public static void main(String[] args) {
		start(args);
	}

	/**
	 * Start the application.
	 * @param args command-line arguments
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(String... args) {
		return builder().run(args);
	}

	/**
	 * @param more further configuration classes
	 * @return a builder of this application
	 */
	public static SpringApplicationBuilder builder(Class<?>... more) {
		return new SpringApplicationBuilder(WebFluxSampleApplication.class).sources(more)
			.web(WebApplicationType.REACTIVE)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

	/**
	 * {@code whoami} needs only the endpoint's scope; {@code admin-report} also needs {@code mcp:admin}, enforced by
	 * {@code mcp.oauth.server.tool-scopes} before the call reaches the tool. (On WebFlux, Spring AI runs synchronous
	 * tools away from the request, where {@code SecurityContextHolder} is empty: these tools do not read the caller.)
	 * @return the tools
	 */
	@Bean
	List<SyncToolSpecification> mcpTools() {
		return List.of(tool("whoami", "Says that an authorized caller reached the WebFlux server", "whoami: authorized"),
				tool("admin-report", "A report only callers with the mcp:admin scope may read",
						"admin report for a caller with mcp:admin"));
	}

	private static SyncToolSpecification tool(String name, String description, String text) {
		Tool tool = Tool.builder().name(name).description(description).inputSchema(NO_ARGUMENTS).build();
		return SyncToolSpecification.builder()
			.tool(tool)
			.callHandler((exchange, request) -> CallToolResult.builder().addTextContent(text).build())
			.build();
	}

}
