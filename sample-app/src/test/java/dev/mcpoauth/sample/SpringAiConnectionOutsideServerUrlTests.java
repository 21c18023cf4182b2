package dev.mcpoauth.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A Spring AI MCP client connection whose URL is not under its registration's {@code server-url} would call the
 * server without a token (tokens go under {@code server-url} only): the application does not start, and says which
 * two properties disagree.
 */
class SpringAiConnectionOutsideServerUrlTests {

	@Test
	void theSampleRefusesToStartWithAConnectionOutsideItsServerUrl() {
		int port = TestPorts.free();
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(SampleApplication.class).profiles("client-demo")
				.run("--server.port=" + port, "--server.shutdown=immediate", "--sample.client-demo.exit-when-done=false",
						"--spring.ai.mcp.client.streamable-http.connections.self-basic.endpoint=/admin/mcp")
				.close())
			.havingRootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.withMessageContaining("spring.ai.mcp.client.streamable-http.connections.self-basic.url")
			.withMessageContaining("mcp.oauth.client.registrations.self-basic.server-url")
			.withMessageContaining("/admin/mcp");
	}

}
