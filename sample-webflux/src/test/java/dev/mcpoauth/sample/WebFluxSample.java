package dev.mcpoauth.sample;

import java.util.ArrayList;
import java.util.List;

import dev.mcpoauth.webfluxsample.WebFluxSampleApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The WebFlux sample with its authorization server, as the tests run them: sample-app started as a servlet
 * application (its Spring Authorization Server issues the tokens, with the WebFlux server as their audience; its own
 * MCP server is off), and the WebFlux MCP server, a reactive application whose issuer is sample-app.
 */
final class WebFluxSample {

	private WebFluxSample() {
	}

	/**
	 * Start sample-app as the authorization server of a WebFlux MCP server.
	 * @param port its port
	 * @param mcpUrl the MCP endpoint of the WebFlux server, the audience of the tokens
	 * @param more further arguments
	 * @return the running authorization server
	 */
	static ConfigurableApplicationContext authorizationServer(int port, String mcpUrl, String... more) {
		List<String> args = new ArrayList<>(authorizationServerArguments(port, mcpUrl));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(SampleApplication.class).web(WebApplicationType.SERVLET)
			.run(args.toArray(String[]::new));
	}

	static List<String> authorizationServerArguments(int port, String mcpUrl) {
		return List.of("--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
				"--spring.ai.mcp.server.enabled=false", "--mcp.oauth.server.resource=" + mcpUrl);
	}

	/**
	 * Start the WebFlux MCP server.
	 * @param port its port
	 * @param issuer the base URL of its authorization server
	 * @param sources further configuration
	 * @param more further arguments
	 * @return the running server
	 */
	static ConfigurableApplicationContext mcpServer(int port, String issuer, Class<?>[] sources, String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--spring.main.banner-mode=off",
				"--sample.issuer=" + issuer));
		args.addAll(List.of(more));
		return WebFluxSampleApplication.builder(sources).run(args.toArray(String[]::new));
	}

	/**
	 * Both, the MCP server first (it finds its keys on first use).
	 * @param port the port of the MCP server
	 * @param authorizationServerPort the port of the authorization server
	 * @param sources further configuration of the MCP server
	 * @param mcpArguments further arguments of the MCP server
	 * @param authorizationServerArguments further arguments of the authorization server
	 * @return the MCP server; closing it closes the authorization server too
	 */
	static ConfigurableApplicationContext start(int port, int authorizationServerPort, Class<?>[] sources,
			String[] mcpArguments, String... authorizationServerArguments) {
		String issuer = "http://localhost:" + authorizationServerPort;
		ConfigurableApplicationContext mcp = mcpServer(port, issuer, sources, mcpArguments);
		try {
			ConfigurableApplicationContext authorizationServer = authorizationServer(authorizationServerPort,
					"http://localhost:" + port + "/mcp", authorizationServerArguments);
			mcp.addApplicationListener((ContextClosedEvent event) -> authorizationServer.close());
			return mcp;
		}
		catch (RuntimeException ex) {
			mcp.close();
			throw ex;
		}
	}

}
