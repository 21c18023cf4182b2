package dev.mcpoauth.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of MCP 2026-07-28 against the sample on Spring AI's stateless transport: no {@code initialize}, no session,
 * every POST carrying {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} mirrored from its body
 * (SEP-2243). Headers that agree with the body let the call through to the scope decision and the tool; headers that
 * disagree are refused with 400 and JSON-RPC error -32020 ({@code HeaderMismatch}) before any tool runs (counted at
 * the tool), whichever way round the disagreement goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModernProtocolRequestTests {

	private static final String VERSION = "2026-07-28";

	static ConfigurableApplicationContext app;

	static String url;

	static AtomicInteger adminRuns;

	static String narrow;

	static String wide;

	@BeforeAll
	void start() {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		started(new SpringApplicationBuilder(SampleApplication.class, SpringAiTransportSecurityTests.CountingTools.class)
			.run("--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
					"--spring.ai.mcp.server.protocol=STATELESS", "--mcp.oauth.server.tool-scopes.admin-report=mcp:admin"),
				base, base + "/oauth2/token");
	}

	/**
	 * Use a started server (sample-webflux overrides {@link #start()} to start its WebFlux server).
	 * @param server the MCP server, with {@code CountingTools}
	 * @param base its base URL
	 * @param tokenEndpoint the token endpoint of its authorization server
	 */
	static void started(ConfigurableApplicationContext server, String base, String tokenEndpoint) {
		app = server;
		url = base + "/mcp";
		adminRuns = app.getBean(SpringAiTransportSecurityTests.CountingTools.class).adminRuns;
		narrow = Http.clientCredentialsToken(tokenEndpoint, "sample-client", "sample-secret", "mcp:tools");
		wide = Http.clientCredentialsToken(tokenEndpoint, "sample-client", "sample-secret", "mcp:tools mcp:admin");
	}

	@AfterAll
	void stop() {
		app.close();
	}

	private static String request(int id, String method, String params) {
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{" + params
				+ "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + VERSION + "\","
				+ "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"modern\",\"version\":\"1\"},"
				+ "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
	}

	private static String toolCall(int id, String tool) {
		return request(id, "tools/call", "\"name\":\"" + tool + "\",\"arguments\":{},");
	}

	private static HttpResponse<String> post(String token, String body, String method, String name) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.header("MCP-Protocol-Version", VERSION)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (method != null) {
			request.header("Mcp-Method", method);
		}
		if (name != null) {
			request.header("Mcp-Name", name);
		}
		return Http.send(request);
	}

	private static void assertHeaderMismatch(HttpResponse<String> response, int id) {
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32020,");
	}

	@Test
	void aSequenceOfStatelessRequestsIsDecidedOnTheBodyItsHeadersAgreeWith() throws Exception {
		HttpResponse<String> list = post(narrow, request(1, "tools/list", ""), "tools/list", null);
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("admin-report");

		HttpResponse<String> lacking = post(narrow, toolCall(2, "admin-report"), "tools/call", "admin-report");
		assertThat(lacking.statusCode()).isEqualTo(403);
		assertThat(lacking.headers().firstValue("WWW-Authenticate").orElseThrow())
			.contains("error=\"insufficient_scope\"")
			.contains("scope=\"mcp:tools mcp:admin\"");

		assertHeaderMismatch(post(narrow, toolCall(3, "admin-report"), "tools/call", "whoami"), 3);
		assertHeaderMismatch(post(wide, toolCall(4, "admin-report"), "tools/call", "whoami"), 4);
		assertHeaderMismatch(post(wide, toolCall(5, "admin-report"), "tools/list", null), 5);
		assertHeaderMismatch(post(wide, toolCall(6, "admin-report"), null, null), 6);
		assertHeaderMismatch(post(wide, toolCall(7, "admin-report"), "tools/call", null), 7);
		Thread.sleep(200);
		assertThat(adminRuns).as("runs after refused requests").hasValue(0);

		HttpResponse<String> granted = post(wide, toolCall(8, "admin-report"), "tools/call", "admin-report");
		assertThat(granted.statusCode()).isEqualTo(200);
		assertThat(granted.body()).contains("admin report for");
		String encoded = "=?base64?"
				+ Base64.getEncoder().encodeToString("admin-report".getBytes(StandardCharsets.UTF_8)) + "?=";
		assertThat(post(wide, toolCall(9, "admin-report"), "tools/call", encoded).statusCode()).isEqualTo(200);
		assertThat(adminRuns).as("only the calls whose headers agree ran").hasValue(2);
	}

}
