package dev.mcpoauth.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client of MCP 2026-07-28 against the sample on Spring AI's stateless transport: no {@code initialize}, no session,
 * every POST carrying {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} mirrored from its body
 * (SEP-2243). Headers that agree with the body let the call through to the scope decision and the tool; headers that
 * disagree are refused with 400 and JSON-RPC error -32020 ({@code HeaderMismatch}) before any tool runs (counted at
 * the tool), whichever way round the disagreement goes; so are the attacks a break-it review found: a protocol
 * version header that disagrees with the body's, header names a CGI-style gateway reads as the real ones, and
 * {@code Mcp-Param-*} headers, which the check cannot verify.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModernProtocolRequestTests {

	private static final String VERSION = "2026-07-28";

	static ConfigurableApplicationContext app;

	static String url;

	static AtomicInteger adminRuns;

	static List<String> regions;

	static String narrow;

	static String wide;

	@BeforeAll
	void start() {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		started(new SpringApplicationBuilder(SampleApplication.class, SpringAiTransportSecurityTests.CountingTools.class,
				RegionTool.class)
			.run("--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
					"--spring.ai.mcp.server.protocol=STATELESS", "--mcp.oauth.server.tool-scopes.admin-report=mcp:admin"),
				base, base + "/oauth2/token");
	}

	/**
	 * Use a started server (sample-webflux overrides {@link #start()} to start its WebFlux server).
	 * @param server the MCP server, with {@code CountingTools} and {@code RegionTool}
	 * @param base its base URL
	 * @param tokenEndpoint the token endpoint of its authorization server
	 */
	static void started(ConfigurableApplicationContext server, String base, String tokenEndpoint) {
		app = server;
		url = base + "/mcp";
		adminRuns = app.getBean(SpringAiTransportSecurityTests.CountingTools.class).adminRuns;
		regions = app.getBean(RegionTool.class).regions;
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
		return toolCall(id, tool, "{}");
	}

	private static String toolCall(int id, String tool, String arguments) {
		return request(id, "tools/call", "\"name\":\"" + tool + "\",\"arguments\":" + arguments + ",");
	}

	/** A POST with the given headers only (name, value, ...), besides the token and the content negotiation. */
	private static HttpResponse<String> send(String token, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return Http.send(request);
	}

	/** A POST as a 2026-07-28 client sends it: the protocol version, and the method and name when not null. */
	private static HttpResponse<String> post(String token, String body, String method, String name) {
		List<String> headers = new ArrayList<>(List.of("MCP-Protocol-Version", VERSION));
		if (method != null) {
			headers.addAll(List.of("Mcp-Method", method));
		}
		if (name != null) {
			headers.addAll(List.of("Mcp-Name", name));
		}
		return send(token, body, headers.toArray(String[]::new));
	}

	private static void assertHeaderMismatch(HttpResponse<String> response, int id) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32020,");
	}

	@Test
	void aSequenceOfStatelessRequestsIsDecidedOnTheBodyItsHeadersAgreeWith() throws Exception {
		int before = adminRuns.get();
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
		assertThat(adminRuns.get() - before).as("runs after refused requests").isZero();

		HttpResponse<String> granted = post(wide, toolCall(8, "admin-report"), "tools/call", "admin-report");
		assertThat(granted.statusCode()).isEqualTo(200);
		assertThat(granted.body()).contains("admin report for");
		String encoded = "=?base64?"
				+ Base64.getEncoder().encodeToString("admin-report".getBytes(StandardCharsets.UTF_8)) + "?=";
		assertThat(post(wide, toolCall(9, "admin-report"), "tools/call", encoded).statusCode()).isEqualTo(200);
		assertThat(adminRuns.get() - before).as("only the calls whose headers agree ran").isEqualTo(2);
	}

	/**
	 * The MCP-Protocol-Version header must match the body's _meta protocol version, whatever version it names; a
	 * value that is not one date (a list a gateway may read as 2026-07-28) is refused.
	 */
	@Test
	void aProtocolVersionHeaderThatDisagreesWithTheBodyIsRefused() throws Exception {
		int before = adminRuns.get();
		assertHeaderMismatch(send(wide, toolCall(11, "admin-report"), "MCP-Protocol-Version", "2025-11-25"), 11);
		assertHeaderMismatch(send(wide, toolCall(12, "admin-report"), "MCP-Protocol-Version",
				VERSION + ", " + VERSION), 12);
		Thread.sleep(200);
		assertThat(adminRuns.get() - before).as("admin-report runs").isZero();
	}

	/**
	 * A gateway built on CGI-style header variables (HTTP_MCP_NAME: WSGI, PHP, Rack, some Lua and Envoy filters) reads
	 * Mcp_Name as Mcp-Name, which the servlet container keeps apart: such names are refused.
	 */
	@Test
	void underscoreSpelledHeadersAGatewayReadsAsTheRealOnesAreRefused() throws Exception {
		int before = adminRuns.get();
		assertHeaderMismatch(send(wide, toolCall(13, "admin-report"), "MCP_Protocol_Version", VERSION, "Mcp_Method",
				"tools/call", "Mcp_Name", "whoami"), 13);
		Thread.sleep(200);
		assertThat(adminRuns.get() - before).as("admin-report runs").isZero();
	}

	/**
	 * A tool that mirrors an argument into Mcp-Param-Region (x-mcp-header): a gateway routing on the header while the
	 * tool runs for another region is the attack; the check cannot read the tools' annotations, so it refuses every
	 * Mcp-Param header.
	 */
	@Test
	void anMcpParamHeaderIsRefusedBecauseItCannotBeChecked() {
		HttpResponse<String> list = post(wide, request(14, "tools/list", ""), "tools/list", null);
		assertThat(list.body()).as("the tool mirrors region into Mcp-Param-Region").contains("x-mcp-header");
		HttpResponse<String> forged = send(wide, toolCall(15, "run-in-region", "{\"region\":\"eu-central1\"}"),
				"MCP-Protocol-Version", VERSION, "Mcp-Method", "tools/call", "Mcp-Name", "run-in-region",
				"Mcp-Param-Region", "us-west1");
		assertHeaderMismatch(forged, 15);
		assertThat(regions).as("regions the tool ran in").isEmpty();
	}

	/** A stateless tool whose region argument is mirrored into Mcp-Param-Region (x-mcp-header). */
	@Configuration(proxyBeanMethods = false)
	static class RegionTool {

		final List<String> regions = new CopyOnWriteArrayList<>();

		@Bean
		List<McpStatelessServerFeatures.SyncToolSpecification> regionTools() {
			Tool tool = Tool.builder()
				.name("run-in-region")
				.inputSchema(Map.of("type", "object", "properties",
						Map.of("region", Map.of("type", "string", "x-mcp-header", "Region")), "required",
						List.of("region")))
				.build();
			return List.of(new McpStatelessServerFeatures.SyncToolSpecification(tool, (context, request) -> {
				this.regions.add(String.valueOf(request.arguments().get("region")));
				return CallToolResult.builder().addTextContent("ran in " + request.arguments().get("region")).build();
			}));
		}

	}

}
