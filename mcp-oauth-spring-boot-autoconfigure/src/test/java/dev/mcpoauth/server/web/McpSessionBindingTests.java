package dev.mcpoauth.server.web;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
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

/**
 * MCP sessions are bound to the token subject that created them, in front of the MCP Java SDK's streamable and SSE
 * servlet transports: another subject's valid token with a leaked {@code Mcp-Session-Id} gets 404, as for an unknown
 * session, and no tool runs; nor can it delete the session.
 */
class McpSessionBindingTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aSessionServesOnlyTheSubjectThatCreatedIt() throws Exception {
		RSAKey key = Jwts.rsa();
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()));
				ConfigurableApplicationContext app = sdkStreamableServer(idp)) {
			String mcp = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/mcp";
			AtomicInteger runs = app.getBean(AtomicInteger.class);
			String alice = Jwts.sign(key, idp.url(), mcp, (claims) -> claims.subject("alice"));
			String mallory = Jwts.sign(key, idp.url(), mcp, (claims) -> claims.subject("mallory"));
			HttpResponse<String> initialized = PathVariants.post(mcp, alice, null, ToolScopePathVariantTests.INITIALIZE);
			String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
			assertThat(PathVariants.post(mcp, alice, session, ToolScopePathVariantTests.INITIALIZED).statusCode() / 100)
				.isEqualTo(2);

			HttpResponse<String> hijack = PathVariants.post(mcp, mallory, session, PathVariants.toolCall(2, "admin"));
			assertThat(hijack.statusCode()).isEqualTo(404);
			assertThat(runs).as("the hijacker's call ran").hasValue(0);
			assertThat(delete(mcp, mallory, session)).as("the hijacker may not end the session").isEqualTo(404);
			assertThat(PathVariants.post(mcp, mallory, "unknown-" + session, PathVariants.toolCall(3, "admin"))
				.statusCode()).as("a session never assigned here").isEqualTo(404);

			assertThat(PathVariants.post(mcp, alice, session, PathVariants.toolCall(4, "admin")).body())
				.contains("admin ran");
			assertThat(runs).hasValue(1);
			String aliceAgain = Jwts.sign(key, idp.url(), mcp, (claims) -> claims.subject("alice"));
			assertThat(PathVariants.post(mcp, aliceAgain, session, PathVariants.toolCall(5, "admin")).body())
				.as("a new token of the same subject").contains("admin ran");

			assertThat(delete(mcp, alice, session) / 100).isEqualTo(2);
			assertThat(PathVariants.post(mcp, alice, session, PathVariants.toolCall(6, "admin")).statusCode())
				.as("a deleted session").isEqualTo(404);
			assertThat(runs).hasValue(2);
		}
	}

	@Test
	void anSseSessionServesOnlyTheSubjectThatOpenedItsStream() throws Exception {
		RSAKey key = Jwts.rsa();
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()));
				ConfigurableApplicationContext app = new SpringApplicationBuilder(SdkSseServerApplication.class).run(
						"--server.port=0", "--spring.main.banner-mode=off", "--server.shutdown=immediate",
						"--mcp.oauth.server.issuer-uri=" + idp.url(),
						"--mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks")) {
			String base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
			AtomicInteger runs = app.getBean(AtomicInteger.class);
			String alice = Jwts.sign(key, idp.url(), base + "/mcp", (claims) -> claims.subject("alice"));
			String mallory = Jwts.sign(key, idp.url(), base + "/mcp", (claims) -> claims.subject("mallory"));
			HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/sse"))
				.header("Authorization", "Bearer " + alice)
				.header("Accept", "text/event-stream")
				.build(), HttpResponse.BodyHandlers.ofInputStream());
			try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
				String endpoint = null;
				for (String line = events.readLine(); endpoint == null && line != null; line = events.readLine()) {
					endpoint = line.startsWith("data:") ? line.substring(5).trim() : null;
				}
				String messages = base + endpoint;
				assertThat(PathVariants.post(messages, mallory, null, ToolScopePathVariantTests.INITIALIZE).statusCode())
					.as("another subject with the announced session").isEqualTo(404);
				assertThat(PathVariants.post(base + "/mcp/message?sessionId=never-announced", alice, null,
						ToolScopePathVariantTests.INITIALIZE).statusCode()).isEqualTo(404);
				assertThat(PathVariants.post(messages, alice, null, ToolScopePathVariantTests.INITIALIZE).statusCode())
					.as("the subject that opened the stream").isEqualTo(200);
				PathVariants.post(messages, alice, null, ToolScopePathVariantTests.INITIALIZED);
				assertThat(PathVariants.post(messages, mallory, null, PathVariants.toolCall(2, "admin")).statusCode())
					.isEqualTo(404);
				assertThat(PathVariants.post(messages, alice, null, PathVariants.toolCall(3, "admin")).statusCode())
					.isEqualTo(200);
				for (long deadline = System.nanoTime() + 10_000_000_000L; runs.get() == 0
						&& System.nanoTime() < deadline;) {
					Thread.sleep(20);
				}
				assertThat(runs).as("only the owner's call ran").hasValue(1);
			}
		}
	}

	/** The MCP Java SDK's SSE servlet transport (MCP 2024-11-05), mapped to {@code /mcp/*}, with an admin tool. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SdkSseServerApplication {

		@Bean
		AtomicInteger adminRuns() {
			return new AtomicInteger();
		}

		@Bean
		HttpServletSseServerTransportProvider mcpTransport() {
			return HttpServletSseServerTransportProvider.builder()
				.sseEndpoint("/mcp/sse")
				.messageEndpoint("/mcp/message")
				.build();
		}

		@Bean
		ServletRegistrationBean<HttpServletSseServerTransportProvider> mcpServlet(
				HttpServletSseServerTransportProvider transport) {
			ServletRegistrationBean<HttpServletSseServerTransportProvider> registration = new ServletRegistrationBean<>(
					transport, "/mcp/*");
			registration.setAsyncSupported(true);
			return registration;
		}

		@Bean(destroyMethod = "close")
		McpSyncServer mcpServer(HttpServletSseServerTransportProvider transport, AtomicInteger adminRuns) {
			Tool admin = Tool.builder().name("admin").inputSchema(Map.of("type", "object")).build();
			return McpServer.sync(transport)
				.serverInfo("sdk-sse-server", "1")
				.capabilities(ServerCapabilities.builder().tools(false).build())
				.tools(SyncToolSpecification.builder().tool(admin).callHandler((exchange, request) -> {
					adminRuns.incrementAndGet();
					return CallToolResult.builder().addTextContent("admin ran").build();
				}).build())
				.build();
		}

	}

	private static int delete(String url, String token, String session) throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create(url))
				.timeout(Duration.ofSeconds(10))
				.header("Authorization", "Bearer " + token)
				.header("Mcp-Session-Id", session)
				.DELETE()
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}


	/** The MCP Java SDK's streamable servlet transport under {@code /mcp}, protected by the starter. */
	private static ConfigurableApplicationContext sdkStreamableServer(StubHttpServer idp) {
		return new SpringApplicationBuilder(ToolScopePathVariantTests.SdkServerApplication.class).run(
				"--server.port=0", "--spring.main.banner-mode=off", "--test.mapping=/mcp",
				"--mcp.oauth.server.issuer-uri=" + idp.url(), "--mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks");
	}

	/**
	 * Two clients whose tokens carry no {@code sub} (told apart only by {@code client_id}) must not share sessions:
	 * such a token stands for itself. (The second review's {@code AttackSessionWithoutSubjectTests}.)
	 */
	@Test
	void aSessionOfATokenWithoutSubjectServesNoOtherToken() {
		RSAKey key = Jwts.rsa();
		try (StubHttpServer idp = new StubHttpServer().serve("/jwks", Jwts.jwks(key.toPublicJWK()));
				ConfigurableApplicationContext app = sdkStreamableServer(idp)) {
			String mcp = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort() + "/mcp";
			AtomicInteger runs = app.getBean(AtomicInteger.class);
			String alice = Jwts.sign(key, idp.url(), mcp,
					(claims) -> claims.subject(null).claim("client_id", "alice-agent"));
			String mallory = Jwts.sign(key, idp.url(), mcp,
					(claims) -> claims.subject(null).claim("client_id", "mallory-agent"));
			HttpResponse<String> initialized = PathVariants.post(mcp, alice, null, ToolScopePathVariantTests.INITIALIZE);
			assertThat(initialized.statusCode()).isEqualTo(200);
			String session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
			PathVariants.post(mcp, alice, session, ToolScopePathVariantTests.INITIALIZED);

			HttpResponse<String> hijack = PathVariants.post(mcp, mallory, session, PathVariants.toolCall(2, "admin"));
			assertThat(hijack.statusCode()).as("mallory-agent naming alice-agent's session").isEqualTo(404);
			assertThat(runs).as("runs of the tool in alice-agent's session by mallory-agent").hasValue(0);
			assertThat(PathVariants.post(mcp, alice, session, PathVariants.toolCall(3, "admin")).statusCode())
				.as("alice-agent's own token still uses it").isEqualTo(200);
		}
	}

}
