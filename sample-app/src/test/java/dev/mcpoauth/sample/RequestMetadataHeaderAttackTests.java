package dev.mcpoauth.sample;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the MCP 2026-07-28 request metadata header check found by a break-it review, against the sample on
 * Spring AI's stateless transport (the real SDK executes the body, tool runs are counted): a protocol version header
 * that disagrees with the body's, header names a CGI-style gateway reads as the real ones, and {@code Mcp-Param-*}
 * headers, which the check cannot verify and so refuses. Each request is refused with 400 and -32020 before the tool
 * runs.
 */
class RequestMetadataHeaderAttackTests {

	private static final String MODERN = "2026-07-28";

	private static ConfigurableApplicationContext app;

	private static String url;

	private static AtomicInteger adminRuns;

	private static List<String> regions;

	private static String wide;

	@BeforeAll
	static void start() {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		app = new SpringApplicationBuilder(SampleApplication.class, SpringAiTransportSecurityTests.CountingTools.class,
				RegionTool.class)
			.run("--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
					"--spring.ai.mcp.server.protocol=STATELESS");
		url = base + "/mcp";
		adminRuns = app.getBean(SpringAiTransportSecurityTests.CountingTools.class).adminRuns;
		regions = app.getBean(RegionTool.class).regions;
		wide = Http.clientCredentialsToken(base + "/oauth2/token", "sample-client", "sample-secret",
				"mcp:tools mcp:admin");
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	private static String call(int id, String tool, String arguments) {
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
				+ "\",\"arguments\":" + arguments + ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\""
				+ MODERN + "\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"modern\",\"version\":\"1\"},"
				+ "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
	}

	private static HttpResponse<String> post(String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + wide)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return Http.send(request);
	}

	private static void assertHeaderMismatch(HttpResponse<String> response, String because) {
		assertThat(response.statusCode()).as(because + " (body: " + response.body() + ")").isEqualTo(400);
		assertThat(response.body()).as(because).contains("-32020");
	}

	/**
	 * README: "whenever a POST carries one of them [...] each header must equal what it mirrors: [...] the _meta
	 * protocol version". Spec: the MCP-Protocol-Version value MUST match _meta's protocolVersion, else 400
	 * HeaderMismatch, whatever version the header names, and a value that is not one date is refused.
	 */
	@Test
	void aProtocolVersionHeaderThatDisagreesWithTheBodyIsRefused() {
		int before = adminRuns.get();
		HttpResponse<String> older = post(call(1, "admin-report", "{}"), "MCP-Protocol-Version", "2025-11-25");
		HttpResponse<String> listed = post(call(2, "admin-report", "{}"), "MCP-Protocol-Version",
				MODERN + ", " + MODERN);
		int ran = adminRuns.get() - before;
		assertThat(List.of(older.statusCode(), listed.statusCode()))
			.as("header 2025-11-25 / header '2026-07-28, 2026-07-28' (a list a gateway reads as 2026-07-28), "
					+ "body _meta 2026-07-28 -> " + older.body() + " / " + listed.body())
			.containsOnly(400);
		assertThat(ran).as("admin-report runs").isZero();
	}

	/**
	 * Header name variants: a gateway built on CGI-style header variables (HTTP_MCP_NAME: WSGI, PHP, Rack, some Lua
	 * and Envoy filters) reads Mcp_Name as Mcp-Name; Tomcat keeps them apart, so the check sees no metadata header
	 * at all and the SDK runs the body's tool. The gateway saw a modern request for whoami; admin-report runs.
	 */
	@Test
	void underscoreSpelledHeadersAGatewayReadsAsTheRealOnesAreRefused() {
		int before = adminRuns.get();
		HttpResponse<String> variant = post(call(5, "admin-report", "{}"), "MCP_Protocol_Version", MODERN,
				"Mcp_Method", "tools/call", "Mcp_Name", "whoami");
		int ran = adminRuns.get() - before;
		assertHeaderMismatch(variant, "Mcp_Name: whoami (read as Mcp-Name by CGI-style gateways), body admin-report");
		assertThat(ran).as("admin-report runs").isZero();
	}

	/**
	 * Spec (Custom Headers from Tool Parameters): "Any server that processes the message body MUST validate that
	 * encoded header values [...] match the corresponding values in the request body", 400 / -32020 otherwise. The
	 * tool advertises x-mcp-header "Region"; a gateway routes on Mcp-Param-Region: us-west1 while the tool runs for
	 * eu-central1.
	 */
	@Test
	void anMcpParamHeaderThatDisagreesWithTheBodyIsRefused() {
		HttpResponse<String> list = post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{\"_meta\":"
				+ "{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\"}}}", "MCP-Protocol-Version", MODERN,
				"Mcp-Method", "tools/list");
		assertThat(list.body()).as("the tool mirrors region into Mcp-Param-Region").contains("x-mcp-header");
		HttpResponse<String> forged = post(call(4, "run-in-region", "{\"region\":\"eu-central1\"}"),
				"MCP-Protocol-Version", MODERN, "Mcp-Method", "tools/call", "Mcp-Name", "run-in-region",
				"Mcp-Param-Region", "us-west1");
		List<String> ran = List.copyOf(regions);
		assertHeaderMismatch(forged, "Mcp-Param-Region us-west1, arguments.region eu-central1");
		assertThat(ran).as("regions the tool ran in").isEmpty();
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
