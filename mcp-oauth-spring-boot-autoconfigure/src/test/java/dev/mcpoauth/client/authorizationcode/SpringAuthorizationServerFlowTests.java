package dev.mcpoauth.client.authorizationcode;

import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The authorization code flow against a real authorization server (Spring Authorization Server) and an MCP endpoint
 * protected by the starter's server side, over HTTP on loopback: the first request goes without a token, its 401
 * drives discovery; the client authorizes with PKCE through the headless user agent, exchanges the code (with
 * {@code client_secret_basic} or as a public client), and the token it gets is audience-bound to the MCP endpoint
 * (RFC 8707 {@code resource}); before the access token expires, the refresh token gets the next one without a new
 * authorization.
 */
class SpringAuthorizationServerFlowTests {

	private static ConfigurableApplicationContext server;

	private static String url;

	@BeforeAll
	static void start() {
		int port = SpringAuthorizationServerApplication.freePort();
		server = SpringAuthorizationServerApplication.start(port);
		url = "http://localhost:" + port;
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private static ConfigurableApplicationContext client(String... properties) {
		String prefix = "mcp.oauth.client.registrations.mcp.";
		SpringApplicationBuilder builder = new SpringApplicationBuilder(ClientApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", prefix + "server-url=" + url + "/mcp",
					prefix + "flow=authorization-code");
		for (String property : properties) {
			builder.properties(prefix + property);
		}
		return builder.run();
	}

	private static RestClient rest(ConfigurableApplicationContext client) {
		return RestClient.builder()
			.requestFactory(new JdkClientHttpRequestFactory())
			.requestInterceptor(client.getBean(McpOAuthClients.class).restClientInterceptor("mcp"))
			.build();
	}

	@Test
	void aConfidentialClientAuthorizesWithPkceAndRefreshesBeforeExpiry() throws InterruptedException {
		try (ConfigurableApplicationContext client = client("client-id=confidential",
				"client-secret=confidential-secret", "scopes=mcp:tools")) {
			RestClient rest = rest(client);
			assertThat(rest.post().uri(url + "/mcp").body("{}").retrieve().body(String.class))
				.isEqualTo("alice [" + url + "/mcp] [mcp:tools]");
			assertThat(SpringAuthorizationServerApplication.requests("/oauth2/authorize")).isEqualTo(1);
			assertThat(SpringAuthorizationServerApplication.requests("/oauth2/token")).isEqualTo(1);
			String first = client.getBean(McpOAuthClients.class).authorization("mcp").accessToken();

			Thread.sleep(SpringAuthorizationServerApplication.ACCESS_TOKEN_LIFETIME.dividedBy(2).toMillis() + 300);
			assertThat(rest.post().uri(url + "/mcp").body("{}").retrieve().body(String.class))
				.isEqualTo("alice [" + url + "/mcp] [mcp:tools]");
			assertThat(client.getBean(McpOAuthClients.class).authorization("mcp").accessToken()).isNotEqualTo(first);
			assertThat(SpringAuthorizationServerApplication.requests("/oauth2/authorize"))
				.as("refreshed, not authorized again")
				.isEqualTo(1);
			assertThat(SpringAuthorizationServerApplication.requests("/oauth2/token")).isEqualTo(2);
		}
	}

	@Test
	void aPublicClientAuthorizesWithPkceAlone() {
		try (ConfigurableApplicationContext client = client("client-id=public", "scopes=mcp:tools")) {
			assertThat(rest(client).post().uri(url + "/mcp").body("{}").retrieve().body(String.class))
				.isEqualTo("alice [" + url + "/mcp] [mcp:tools]");
		}
	}

	@Test
	void aScopeTheClientMayNotHaveIsRefusedByTheAuthorizationServer() {
		try (ConfigurableApplicationContext client = client("client-id=public", "scopes=mcp:admin")) {
			assertThatExceptionOfType(McpOAuthClientException.class)
				.isThrownBy(() -> client.getBean(McpOAuthClients.class).authorization("mcp").accessToken())
				.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("invalid_scope"));
		}
	}

	/** A client application: the starter's client side only. */
	@org.springframework.boot.SpringBootConfiguration
	@org.springframework.boot.autoconfigure.EnableAutoConfiguration
	static class ClientApplication {

	}

}
