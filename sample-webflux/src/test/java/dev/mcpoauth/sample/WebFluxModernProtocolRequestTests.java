package dev.mcpoauth.sample;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ModernProtocolRequestTests} against the WebFlux sample on Spring AI's stateless WebFlux transport: MCP
 * 2026-07-28 request metadata headers that disagree with the body get 400 {@code HeaderMismatch} before any tool
 * runs.
 */
class WebFluxModernProtocolRequestTests extends ModernProtocolRequestTests {

	/** Instead of the sample's own server: the WebFlux server, with sample-app as its authorization server. */
	@BeforeAll
	@Override
	void start() {
		int port = TestPorts.free();
		int authorizationServerPort = TestPorts.free();
		String protocol = "--spring.ai.mcp.server.protocol=STATELESS";
		started(WebFluxSample.start(port, authorizationServerPort,
				new Class<?>[] { SpringAiTransportSecurityTests.CountingTools.class, ModernProtocolRequestTests.RegionTool.class },
				new String[] { protocol },
				protocol), "http://localhost:" + port, "http://localhost:" + authorizationServerPort + "/oauth2/token");
	}

}
