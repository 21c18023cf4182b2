package dev.mcpoauth.server.web;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The starter in front of the MCP Java SDK's own servlet transport (no Spring AI), called by the SDK's client. The
 * tool learns its caller from the transport context, which the SDK fills from the request's principal: the
 * authentication the starter established.
 */
class McpSdkServletTransportTests {

	@Test
	void protectsTheSdkServletTransport() {
		RSAKey key = Jwts.rsa();
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()));
				ConfigurableApplicationContext app = new SpringApplicationBuilder(SdkServerApplication.class).run(
						"--server.port=0", "--mcp.oauth.server.issuer-uri=" + idp.url(),
						"--mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks",
						"--mcp.oauth.server.required-scopes=mcp:tools")) {
			String base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
			String token = Jwts.sign(key, idp.url(), base + "/mcp");
			try (McpSyncClient client = client(base, token)) {
				client.initialize();
				CallToolResult result = client.callTool(new CallToolRequest("whoami", Map.of()));
				assertThat(((TextContent) result.content().get(0)).text()).isEqualTo("user");
			}
			try (McpSyncClient client = client(base, Jwts.sign(Jwts.rsa(), idp.url(), base + "/mcp"))) {
				assertThatThrownBy(client::initialize).hasRootCauseInstanceOf(
						McpHttpClientTransportAuthorizationException.class);
			}
		}
	}

	private static McpSyncClient client(String base, String token) {
		HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
			.endpoint("/mcp")
			.httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
					"Bearer " + token))
			.build();
		return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SdkServerApplication {

		@Bean
		HttpServletStreamableServerTransportProvider mcpTransport() {
			return HttpServletStreamableServerTransportProvider.builder()
				.mcpEndpoint("/mcp")
				.contextExtractor((request) -> {
					Principal caller = request.getUserPrincipal();
					return McpTransportContext.create(Map.of("caller", (caller != null) ? caller.getName() : "none"));
				})
				.build();
		}

		@Bean
		ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
				HttpServletStreamableServerTransportProvider transport) {
			ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration = new ServletRegistrationBean<>(
					transport, "/mcp");
			registration.setAsyncSupported(true);
			return registration;
		}

		@Bean(destroyMethod = "close")
		McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport) {
			Tool whoami = Tool.builder().name("whoami").inputSchema(Map.of("type", "object")).build();
			return McpServer.sync(transport)
				.serverInfo("sdk-server", "1")
				.capabilities(ServerCapabilities.builder().tools(false).build())
				.tools(SyncToolSpecification.builder()
					.tool(whoami)
					.callHandler((exchange, request) -> CallToolResult.builder()
						.addTextContent(String.valueOf(exchange.transportContext().get("caller")))
						.build())
					.build())
				.build();
		}

	}

}
