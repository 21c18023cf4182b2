package dev.mcpoauth.sample;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link SpringAiTransportSecurityTests} against Spring AI's WebFlux transports (streamable HTTP, stateless, SSE):
 * tool scopes on every path spelling with the admin tool's runs counted, and sessions bound to the client that
 * created them, with tokens of sample-app's authorization server.
 */
class WebFluxTransportSecurityTests extends SpringAiTransportSecurityTests {

	private int authorizationServerPort;

	@Override
	ConfigurableApplicationContext start(int port, String... more) {
		this.authorizationServerPort = TestPorts.free();
		return WebFluxSample.start(port, this.authorizationServerPort, new Class<?>[] { CountingTools.class },
				more, more);
	}

	@Override
	String tokenEndpoint(String base) {
		return "http://localhost:" + this.authorizationServerPort + "/oauth2/token";
	}

}
