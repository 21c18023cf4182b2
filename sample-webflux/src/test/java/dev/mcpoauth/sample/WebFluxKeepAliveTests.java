package dev.mcpoauth.sample;

import java.net.http.HttpResponse;

import dev.mcpoauth.server.web.PathVariants;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused requests and the connection they came on, against Spring AI's stateless WebFlux transport, over one JDK
 * HTTP client (the client of the MCP Java SDK), which keeps connections alive: every path spelling in turn, most of
 * them refused before their body was read, hundreds of requests in a row, each answered. Before the starter closed
 * the connection of such a refusal ({@code RefusedRequestConnectionWebFilter}), one request in about two hundred,
 * sent on the connection of a refused one, was never read by Reactor Netty and waited for the client's 10 s timeout
 * (seen in every one of four runs of this loop, and as an intermittent failure of the path-spelling suite).
 */
class WebFluxKeepAliveTests {

	@Test
	void everyRequestAfterARefusedOneIsAnswered() {
		int port = TestPorts.free();
		int authorizationServerPort = TestPorts.free();
		String base = "http://localhost:" + port;
		String protocol = "--spring.ai.mcp.server.protocol=STATELESS";
		try (ConfigurableApplicationContext app = WebFluxSample.start(port, authorizationServerPort,
				new Class<?>[] { SpringAiTransportSecurityTests.CountingTools.class }, new String[] { protocol },
				protocol)) {
			String token = Http.clientCredentialsToken("http://localhost:" + authorizationServerPort + "/oauth2/token",
					"sample-client", "sample-secret", "mcp:tools");
			for (int round = 0; round < 25; round++) {
				for (String path : PathVariants.of("/mcp")) {
					// PathVariants.post fails on the client's 10 s timeout
					HttpResponse<String> response = PathVariants.post(base + path, token, null,
							PathVariants.toolCall(round, "admin-report"));
					assertThat(response.statusCode()).as(path).isBetween(400, 404);
				}
			}
			assertThat(app.getBean(SpringAiTransportSecurityTests.CountingTools.class).adminRuns).hasValue(0);
		}
	}

}
