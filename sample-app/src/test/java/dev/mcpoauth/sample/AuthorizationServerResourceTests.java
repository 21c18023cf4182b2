package dev.mcpoauth.sample;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's authorization server honours RFC 8707 {@code resource} against its allow-list
 * ({@code sample.authorization-server.resources}), so it can serve as the identity provider of a second local MCP
 * server; a resource not on the list is refused with {@code invalid_target}.
 */
class AuthorizationServerResourceTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void tokensAreIssuedForTheRequestedResourceOnlyWhenItIsAllowed() throws Exception {
		int port = TestPorts.free();
		String base = "http://localhost:" + port;
		String second = "http://localhost:9/second/mcp";
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=" + port, "--spring.main.banner-mode=off", "--server.shutdown=immediate",
				"--sample.authorization-server.resources=" + base + "/mcp," + second)) {
			assertThat(audience(token(base, null))).as("no resource: the sample's endpoint")
				.containsExactly(base + "/mcp");
			assertThat(audience(token(base, base + "/mcp"))).containsExactly(base + "/mcp");
			assertThat(audience(token(base, second))).as("a second local MCP server on the list")
				.containsExactly(second);
			HttpResponse<String> refused = request(base, "https://elsewhere.example/mcp");
			assertThat(refused.statusCode()).isEqualTo(400);
			assertThat(Http.json(refused.body())).containsEntry("error", "invalid_target");
		}
	}

	private static List<String> audience(String token) throws Exception {
		return SignedJWT.parse(token).getJWTClaimsSet().getAudience();
	}

	private static String token(String base, String resource) {
		HttpResponse<String> response = request(base, resource);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return (String) Http.json(response.body()).get("access_token");
	}

	private static HttpResponse<String> request(String base, String resource) {
		String basic = Base64.getEncoder().encodeToString("sample-client:sample-secret".getBytes(StandardCharsets.UTF_8));
		String form = "grant_type=client_credentials&scope=mcp:tools"
				+ ((resource != null) ? "&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8) : "");
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
				.header("Authorization", "Basic " + basic)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
