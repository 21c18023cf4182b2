package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rest of an application, with and without its own chain. Without one, Spring Boot's default chain governs
 * every other path and nobody can log in (the start-up WARN says so: {@code StartupReportTests}); with one, its rules
 * apply there, and the MCP chain still stands in front for the MCP endpoint.
 */
class OtherPathsTests {

	private final StubHttpServer idp = new StubHttpServer();

	@AfterEach
	void stop() {
		this.idp.close();
	}

	@Test
	void withoutItsOwnChainEveryOtherPathIsLockedBySpringBootsDefault() throws Exception {
		try (ConfigurableApplicationContext app = start(WebTestApplication.class)) {
			assertThat(get(app, "/hello").statusCode()).isEqualTo(401);
			assertThat(get(app, "/mcp").headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
		}
	}

	@Test
	void withItsOwnChainOtherPathsFollowItAndTheMcpEndpointStaysProtected() throws Exception {
		try (ConfigurableApplicationContext app = start(WebTestApplication.class, OpenChain.class)) {
			assertThat(get(app, "/hello").statusCode()).as("reached Spring MVC: no such page").isEqualTo(404);
			HttpResponse<String> mcp = get(app, "/mcp");
			assertThat(mcp.statusCode()).isEqualTo(401);
			assertThat(mcp.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
		}
	}

	@Test
	void withItsOwnResourceServerTheRootMetadataIsLeftToItAndTheMcpDocumentStays() throws Exception {
		this.idp.serve("/jwks", "{\"keys\":[]}");
		try (ConfigurableApplicationContext app = start(WebTestApplication.class, OwnResourceServer.class)) {
			HttpResponse<String> root = get(app, "/.well-known/oauth-protected-resource");
			assertThat(root.statusCode()).isEqualTo(200);
			assertThat(root.body()).as("the application's own resource server describes the root")
				.doesNotContain("/mcp\"");
			HttpResponse<String> mcp = get(app, "/.well-known/oauth-protected-resource/mcp");
			assertThat(mcp.statusCode()).isEqualTo(200);
			assertThat(mcp.body()).contains("/mcp\"");
			assertThat(get(app, "/mcp").headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("/.well-known/oauth-protected-resource/mcp\"");
		}
	}

	@Test
	void withoutAnotherResourceServerTheRootMetadataIsTheMcpDocument() throws Exception {
		try (ConfigurableApplicationContext app = start(WebTestApplication.class, OpenChain.class)) {
			HttpResponse<String> root = get(app, "/.well-known/oauth-protected-resource");
			assertThat(root.statusCode()).isEqualTo(200);
			assertThat(root.body()).contains("/mcp\"");
		}
	}

	private ConfigurableApplicationContext start(Class<?>... sources) {
		return new SpringApplicationBuilder(sources).run("--server.port=0", "--spring.main.banner-mode=off",
				"--mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"--mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks");
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnResourceServer {

		@Bean
		SecurityFilterChain api(HttpSecurity http, Environment environment)
				throws Exception {
			String jwks = environment.getProperty("mcp.oauth.server.jwk-set-uri");
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.oauth2ResourceServer((resourceServer) -> resourceServer.jwt((jwt) -> jwt.jwkSetUri(jwks)))
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OpenChain {

		@Bean
		SecurityFilterChain app(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

}
