package dev.mcpoauth.server.web;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code mcp.oauth.server.tool-scopes} is a map bound by Spring Boot's relaxed binding, which can change a tool name
 * written as a key (drop characters, lower the case of an environment variable, turn {@code _} into {@code .}). A
 * listed tool keeps its scopes however its key was written, and a key that binding would turn into another tool name
 * stops the start-up. (The first case is the reviewer's {@code AttackToolScopeKeyTests}: {@code tool-scopes.admin:tool}
 * was bound as {@code admintool}, and {@code admin:tool} ran with {@code mcp:tools} only.)
 */
class ToolScopeKeyBindingTests {

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	@AfterEach
	void stop() {
		this.idp.close();
	}

	@ParameterizedTest(name = "tool \"{0}\" listed as tool-scopes.{0}")
	@ValueSource(strings = { "delete_all", "deleteAll", "files.delete", "Admin-Report" })
	void aToolListedWithoutBracketsIsRefusedWithoutItsScope(String tool) {
		assertToolNeedsAdmin(tool, new SpringApplicationBuilder(WebTestApplication.class),
				"--mcp.oauth.server.tool-scopes." + tool + "=mcp:admin");
	}

	@ParameterizedTest(name = "tool \"{0}\" listed as tool-scopes[{0}]")
	@ValueSource(strings = { "admin:tool", "admin/tool", "admin tool", "ツール", "admin.Tool_x" })
	void aToolListedInBracketsIsRefusedWithoutItsScope(String tool) {
		assertToolNeedsAdmin(tool, new SpringApplicationBuilder(WebTestApplication.class),
				"--mcp.oauth.server.tool-scopes[" + tool + "]=mcp:admin");
	}

	@ParameterizedTest(name = "tool \"{1}\" listed as environment variable {0}")
	@CsvSource({ "MCP_OAUTH_SERVER_TOOLSCOPES_DELETEALL, deleteAll", "MCP_OAUTH_SERVER_TOOLSCOPES_DELETE_ALL, delete_all",
			"MCP_OAUTH_SERVER_TOOLSCOPES_ADMINREPORT, Admin-Report" })
	void aToolListedInAnEnvironmentVariableIsRefusedWithoutItsScope(String variable, String tool) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "mcp:admin")));
		assertToolNeedsAdmin(tool, new SpringApplicationBuilder(WebTestApplication.class).environment(environment));
	}

	@Test
	void toolsWhoseNamesDifferOnlyInCaseOrPunctuationShareTheirScopes() {
		try (ConfigurableApplicationContext app = start(new SpringApplicationBuilder(WebTestApplication.class),
				"--mcp.oauth.server.tool-scopes[deleteAll]=mcp:admin",
				"--mcp.oauth.server.tool-scopes[delete-all]=mcp:audit")) {
			String base = url(app);
			String admin = Jwts.sign(this.key, this.idp.url(), base + "/mcp",
					(claims) -> claims.claim("scope", "mcp:tools mcp:admin"));
			HttpResponse<String> response = PathVariants.post(base + "/mcp", admin, null,
					PathVariants.toolCall(1, "DELETE_ALL"));
			assertThat(response.statusCode()).isEqualTo(403);
			assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
				.containsPattern("scope=\"mcp:tools (mcp:admin mcp:audit|mcp:audit mcp:admin)\"");
		}
	}

	@ParameterizedTest(name = "tool-scopes.{0}")
	@ValueSource(strings = { "admin:tool", "admin/tool", "admin tool", "ツール" })
	void aKeyThatBindingWouldChangeStopsTheStartUpNamingTheBracketNotation(String tool) {
		assertThatThrownBy(() -> start(new SpringApplicationBuilder(WebTestApplication.class),
				"--mcp.oauth.server.tool-scopes." + tool + "=mcp:admin").close())
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessageContaining("mcp.oauth.server.tool-scopes." + tool)
			.hasMessageContaining("mcp.oauth.server.tool-scopes[" + tool + "]");
	}

	@Test
	void inYamlAQuotedBracketedKeyListsTheToolAndAnUnbracketedOneStopsTheStartUp(@TempDir Path dir) throws Exception {
		Path bracketed = Files.writeString(dir.resolve("bracketed.yml"),
				"mcp.oauth.server.tool-scopes:\n  \"[admin:tool]\": mcp:admin\n");
		assertToolNeedsAdmin("admin:tool", new SpringApplicationBuilder(WebTestApplication.class),
				"--spring.config.additional-location=" + bracketed.toUri());
		Path unbracketed = Files.writeString(dir.resolve("unbracketed.yml"),
				"mcp.oauth.server.tool-scopes:\n  \"admin:tool\":\n    - mcp:admin\n");
		assertThatThrownBy(() -> start(new SpringApplicationBuilder(WebTestApplication.class),
				"--spring.config.additional-location=" + unbracketed.toUri()).close())
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessageContaining("mcp.oauth.server.tool-scopes.admin:tool[0]")
			.hasMessageContaining("\"[admin:tool]\"");
	}

	private void assertToolNeedsAdmin(String tool, SpringApplicationBuilder builder, String... properties) {
		try (ConfigurableApplicationContext app = start(builder, properties)) {
			String base = url(app);
			String tools = Jwts.sign(this.key, this.idp.url(), base + "/mcp");
			HttpResponse<String> refused = PathVariants.post(base + "/mcp", tools, null,
					PathVariants.toolCall(1, tool));
			assertThat(refused.statusCode()).as("tools/call of %s with mcp:tools only", tool).isEqualTo(403);
			assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
				.contains("scope=\"mcp:tools mcp:admin\"");
			String admin = Jwts.sign(this.key, this.idp.url(), base + "/mcp",
					(claims) -> claims.claim("scope", "mcp:tools mcp:admin"));
			assertThat(PathVariants.post(base + "/mcp", admin, null, PathVariants.toolCall(2, tool)).statusCode())
				.as("tools/call of %s with mcp:admin", tool)
				.isEqualTo(200);
			assertThat(PathVariants.post(base + "/mcp", tools, null, PathVariants.toolCall(3, "other")).statusCode())
				.as("an unlisted tool with mcp:tools")
				.isEqualTo(200);
		}
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder, String... properties) {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"--mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks",
				"--mcp.oauth.server.required-scopes=mcp:tools"));
		args.addAll(List.of(properties));
		return builder.run(args.toArray(String[]::new));
	}

	private static String url(ConfigurableApplicationContext app) {
		return "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
	}

}
