package dev.mcpoauth.server.web;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-tool scopes hold on every spelling of the endpoint path that reaches an MCP server: a call of the tool that
 * needs {@code mcp:admin}, made with a token that has {@code mcp:tools} only, is refused (403) or goes nowhere, on
 * every {@link PathVariants variant}. Three routers: Spring MVC and WebFlux (the echo application on each
 * {@link Stack}, with and without a context path: {@code server.servlet.context-path} or
 * {@code spring.webflux.base-path}) and the MCP Java SDK's streamable servlet transport under three URL mappings, one
 * of which routes on a suffix of the request URI. The Spring AI transports run the same suite in the sample modules
 * (WebMVC in {@code sample-app}, WebFlux in {@code sample-webflux}).
 */
class ToolScopePathVariantTests {

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private String[] properties(String... more) {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		String[] base = { "--server.port=0", "--spring.main.banner-mode=off",
				"--mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"--mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks",
				"--mcp.oauth.server.required-scopes=mcp:tools", "--mcp.oauth.server.tool-scopes.admin=mcp:admin" };
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	@ParameterizedTest(name = "{0}, context path \"{1}\"")
	@CsvSource({ "SERVLET, ''", "SERVLET, /ctx", "REACTIVE, ''", "REACTIVE, /ctx" })
	void echoEndpoint(Stack stack, String contextPath) {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(WebTestApplication.class)
			.web(stack.type())
			.run(properties("--" + stack.contextPath(contextPath)))) {
			String base = url(app) + contextPath;
			String token = Jwts.sign(this.key, this.idp.url(), base + "/mcp");
			String call = PathVariants.toolCall(1, "admin");
			for (String path : PathVariants.of("/mcp")) {
				HttpResponse<String> response = PathVariants.post(base + path, token, null, call);
				assertThat(response.body()).as(path).doesNotStartWith("ok:");
				assertThat(response.statusCode() / 100).as(path).isNotEqualTo(2);
			}
			assertThat(PathVariants.post(base + "/mcp", token, null, call).statusCode()).isEqualTo(403);
			assertThat(PathVariants.post(base + "/m%63p", token, null, call).statusCode()).isEqualTo(403);
			assertThat(PathVariants.post(base + "/mcp/message", token, null, call).statusCode()).isEqualTo(403);
			String admin = Jwts.sign(this.key, this.idp.url(), base + "/mcp",
					(claims) -> claims.claim("scope", "mcp:tools mcp:admin"));
			assertThat(PathVariants.post(base + "/m%63p", admin, null, call).body()).as("the control: routed")
				.isEqualTo("ok:" + call);
		}
	}

	@ParameterizedTest(name = "servlet mapped to {0}")
	@ValueSource(strings = { "/mcp", "/mcp/*", "/*" })
	void mcpSdkServletTransport(String mapping) {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SdkServerApplication.class)
			.run(properties("--test.mapping=" + mapping))) {
			String base = url(app);
			AtomicInteger adminRuns = app.getBean(AtomicInteger.class);
			String token = Jwts.sign(this.key, this.idp.url(), base + "/mcp");
			HttpResponse<String> initialized = PathVariants.post(base + "/mcp", token, null, INITIALIZE);
			assertThat(initialized.statusCode()).isEqualTo(200);
			String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
			PathVariants.post(base + "/mcp", token, session, INITIALIZED);
			for (String path : PathVariants.of("/mcp")) {
				HttpResponse<String> response = PathVariants.post(base + path, token, session,
						PathVariants.toolCall(2, "admin"));
				assertThat(response.body()).as(path).doesNotContain("admin ran");
			}
			assertThat(adminRuns).as("runs of the admin tool").hasValue(0);
			assertThat(PathVariants.post(base + "/mcp", token, session, PathVariants.toolCall(3, "admin")).statusCode())
				.isEqualTo(403);
			String admin = Jwts.sign(this.key, this.idp.url(), base + "/mcp",
					(claims) -> claims.claim("scope", "mcp:tools mcp:admin"));
			HttpResponse<String> adminSession = PathVariants.post(base + "/mcp", admin, null, INITIALIZE);
			String own = adminSession.headers().firstValue("Mcp-Session-Id").orElseThrow();
			PathVariants.post(base + "/mcp", admin, own, INITIALIZED);
			assertThat(PathVariants.post(base + "/mcp", admin, own, PathVariants.toolCall(4, "admin")).body())
				.as("the control: the tool runs with the scope").contains("admin ran");
			assertThat(adminRuns).hasValue(1);
		}
	}

	private static String url(ConfigurableApplicationContext app) {
		return "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
	}

	static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
			"capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""";

	static final String INITIALIZED = """
			{"jsonrpc":"2.0","method":"notifications/initialized"}""";

	/** The MCP Java SDK's streamable servlet transport, mapped to {@code test.mapping}, with an admin tool. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SdkServerApplication {

		@Bean
		AtomicInteger adminRuns() {
			return new AtomicInteger();
		}

		@Bean
		HttpServletStreamableServerTransportProvider mcpTransport() {
			return HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
		}

		@Bean
		ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
				HttpServletStreamableServerTransportProvider transport, @Value("${test.mapping}") String mapping) {
			ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration = new ServletRegistrationBean<>(
					transport, mapping);
			registration.setAsyncSupported(true);
			return registration;
		}

		@Bean(destroyMethod = "close")
		McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, AtomicInteger adminRuns) {
			Tool admin = Tool.builder().name("admin").inputSchema(Map.of("type", "object")).build();
			return McpServer.sync(transport)
				.serverInfo("sdk-server", "1")
				.capabilities(ServerCapabilities.builder().tools(false).build())
				.tools(SyncToolSpecification.builder().tool(admin).callHandler((exchange, request) -> {
					adminRuns.incrementAndGet();
					return CallToolResult.builder().addTextContent("admin ran").build();
				}).build())
				.build();
		}

	}

}
