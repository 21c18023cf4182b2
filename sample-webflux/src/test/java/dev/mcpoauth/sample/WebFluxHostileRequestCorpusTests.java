package dev.mcpoauth.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link HostileRequestCorpusTests} against the WebFlux sample: the test's application is sample-app, the
 * authorization server whose keys sign the hostile tokens; each request goes to the WebFlux MCP server, which must
 * refuse it cleanly (401, or 400/431 for a malformed request; never 5xx, never internals).
 */
class WebFluxHostileRequestCorpusTests extends HostileRequestCorpusTests {

	static final int MCP_PORT = TestPorts.free();

	static final String WEBFLUX_MCP = "http://localhost:" + MCP_PORT + "/mcp";

	static ConfigurableApplicationContext mcpServer;

	@DynamicPropertySource
	static void authorizationServerOfTheWebFluxSample(DynamicPropertyRegistry registry) {
		WebFluxSample.authorizationServerArguments(PORT, WEBFLUX_MCP)
			.stream()
			.filter((argument) -> argument.startsWith("--spring.ai") || argument.startsWith("--mcp.oauth"))
			.map((argument) -> argument.substring(2).split("=", 2))
			.forEach((property) -> registry.add(property[0], () -> property[1]));
	}

	@BeforeAll
	static void startWebFluxServer() {
		mcpServer = WebFluxSample.mcpServer(MCP_PORT, BASE, new Class<?>[0]);
	}

	@AfterAll
	static void stopWebFluxServer() {
		mcpServer.close();
	}

	@Override
	int port() {
		return MCP_PORT;
	}

	@Override
	String mcp() {
		return WEBFLUX_MCP;
	}

}
