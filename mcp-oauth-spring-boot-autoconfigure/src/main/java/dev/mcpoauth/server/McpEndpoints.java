package dev.mcpoauth.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The paths the MCP server of the application answers on, read as Spring AI's MCP server (WebMVC or WebFlux, which
 * share their properties) reads its own properties:
 * with {@code spring.ai.mcp.server.protocol} unset or {@code SSE}, the SSE endpoint ({@code sse-endpoint},
 * {@code /sse}) and its message endpoint ({@code sse-message-endpoint}, {@code /mcp/message}); with
 * {@code STREAMABLE} or {@code STATELESS}, {@code streamable-http.mcp-endpoint} ({@code /mcp}). The resource's own
 * path ({@code mcp.oauth.server.endpoint}) is the configured one, else the endpoint clients connect to (the SSE
 * endpoint, or the streamable one), else {@code /mcp} (the MCP Java SDK's servlet transports, mapped by the user).
 *
 * @param resourcePath the endpoint the resource identifier and metadata describe
 * @param paths every path the chain covers (each with its sub-paths), the resource path first
 */
public record McpEndpoints(String resourcePath, List<String> paths) {

	/** The default endpoint when neither the user nor Spring AI names one. */
	public static final String DEFAULT_ENDPOINT = "/mcp";

	/** Spring AI's MCP server auto-configurations, one of each web stack; both read the same properties. */
	private static final List<String> SPRING_AI_SERVERS = List.of(
			"org.springframework.ai.mcp.server.webmvc.autoconfigure.McpServerStreamableHttpWebMvcAutoConfiguration",
			"org.springframework.ai.mcp.server.webflux.autoconfigure.McpServerStreamableHttpWebFluxAutoConfiguration");

	private static final String PREFIX = "spring.ai.mcp.server.";

	/**
	 * @param configuredEndpoint {@code mcp.oauth.server.endpoint}, or {@code null}
	 * @param environment the environment, for Spring AI's properties
	 * @param classLoader the class loader, to find Spring AI's MCP server
	 * @return the endpoints
	 */
	public static McpEndpoints of(String configuredEndpoint, Environment environment, ClassLoader classLoader) {
		List<String> springAi = springAiPaths(environment, classLoader);
		String resourcePath = (configuredEndpoint != null) ? configuredEndpoint
				: springAi.isEmpty() ? DEFAULT_ENDPOINT : springAi.get(0);
		List<String> paths = new ArrayList<>();
		paths.add(resourcePath);
		springAi.stream().filter((path) -> !paths.contains(path)).forEach(paths::add);
		return new McpEndpoints(resourcePath, List.copyOf(paths));
	}

	/** Spring AI's active web transport's paths, the one clients connect to first; empty without one. */
	private static List<String> springAiPaths(Environment environment, ClassLoader classLoader) {
		if (SPRING_AI_SERVERS.stream().noneMatch((server) -> ClassUtils.isPresent(server, classLoader))
				|| !environment.getProperty(PREFIX + "enabled", Boolean.class, true)
				|| environment.getProperty(PREFIX + "stdio", Boolean.class, false)) {
			return List.of();
		}
		String protocol = environment.getProperty(PREFIX + "protocol", "SSE").trim().toUpperCase(Locale.ROOT);
		if ("SSE".equals(protocol)) {
			return List.of(path(environment, "sse-endpoint", "/sse"),
					path(environment, "sse-message-endpoint", "/mcp/message"));
		}
		return List.of(path(environment, "streamable-http.mcp-endpoint", DEFAULT_ENDPOINT));
	}

	/** A Spring AI endpoint as its router serves it: a path without a leading slash gets one. */
	private static String path(Environment environment, String property, String defaultPath) {
		String path = environment.getProperty(PREFIX + property, defaultPath).trim();
		return path.startsWith("/") ? path : "/" + path;
	}

}
