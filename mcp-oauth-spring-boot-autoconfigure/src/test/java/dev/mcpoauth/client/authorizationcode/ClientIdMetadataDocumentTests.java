package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A web application serves the Client ID Metadata Document of its authorization-code registration, from its
 * properties, at the path of the document's URL, to GET without credentials (ahead of the application's security,
 * which answers 401 everywhere else here); other methods and paths are left to the application.
 */
class ClientIdMetadataDocumentTests {

	private static final String R = "--mcp.oauth.client.registrations.s.";

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(WebApplication.class).run(
				java.util.stream.Stream.concat(java.util.stream.Stream.of("--server.port=0",
						"--spring.main.banner-mode=off", R + "server-url=https://mcp.example/mcp",
						R + "flow=authorization-code"), java.util.stream.Stream.of(properties))
					.toArray(String[]::new));
	}

	@Test
	void theDocumentIsServedAtItsPathAndNothingElseIs() throws Exception {
		try (ConfigurableApplicationContext app = start(
				R + "authorization-code.client-id-metadata-document=https://app.example/oauth/client.json",
				R + "authorization-code.redirect-uri=https://app.example/callback",
				R + "authorization-code.application-type=web", R + "authorization-code.client-name=Example app")) {
			String base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
			HttpClient http = HttpClient.newHttpClient();
			HttpResponse<String> document = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/client.json"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(document.statusCode()).isEqualTo(200);
			assertThat(document.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/json"));
			Map<String, Object> json = JSONObjectUtils.parse(document.body());
			assertThat(json).containsEntry("client_id", "https://app.example/oauth/client.json")
				.containsEntry("client_name", "Example app")
				.containsEntry("redirect_uris", List.of("https://app.example/callback"))
				.containsEntry("token_endpoint_auth_method", "none")
				.containsEntry("application_type", "web");
			assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/client.json"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isNotEqualTo(200);
			assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/other.json")).build(),
					HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
		}
	}

	@Test
	void twoRegistrationsCannotServeDifferentDocumentsAtOneUrl() {
		assertThatException().isThrownBy(() -> start(
				R + "authorization-code.client-id-metadata-document=https://app.example/client.json",
				"--mcp.oauth.client.registrations.t.server-url=https://other.example/mcp",
				"--mcp.oauth.client.registrations.t.flow=authorization-code",
				"--mcp.oauth.client.registrations.t.authorization-code.client-id-metadata-document=https://app.example/client.json",
				"--mcp.oauth.client.registrations.t.authorization-code.client-name=another"))
			.withRootCauseInstanceOf(InvalidConfigurationPropertyValueException.class)
			.havingRootCause()
			.withMessageContaining("client-id-metadata-document");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WebApplication {

	}

}
