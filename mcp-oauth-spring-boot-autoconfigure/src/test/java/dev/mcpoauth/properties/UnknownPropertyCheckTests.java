package dev.mcpoauth.properties;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A property under {@code mcp.oauth} that the starter does not know stops the start-up, naming it, where it was set
 * and the nearest known name; every name the starter binds, in every relaxed form, passes.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertyCheckTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "mcp.oauth.server.isuer-uri, mcp.oauth.server.issuer-uri",
			"mcp.oauth.serer.issuer-uri, mcp.oauth.server",
			"mcp.oauth.server.jwks.refresh-cooldow, mcp.oauth.server.jwks.refresh-cooldown",
			"mcp.oauth.client.registrations.crm.cliend-id, mcp.oauth.client.registrations.crm.client-id",
			"mcp.oauth.client.registrations.crm.cross-app-access.idp-token-url, mcp.oauth.client.registrations.crm.cross-app-access.idp-token-uri",
			"mcp.oauth.server.requiredScopes-typo, mcp.oauth.server.required-scopes",
			"mcp.oauth.server.introspection.client-idd, mcp.oauth.server.introspection.client-id",
			"mcp.oauth.server.introspection.cache.tl, mcp.oauth.server.introspection.cache.ttl", "mcp.oauth.server.zzz-qqq, ", "mcp.oauth.server.issuer-uri.extra, " })
	void anUnknownPropertyStopsTheStartUpNamingTheNearestKnownOne(String property, String nearest) {
		assertThatExceptionOfType(UnknownPropertyException.class)
			.isThrownBy(() -> start("--" + property + "=https://idp.example.com"))
			.satisfies((ex) -> {
				assertThat(ex.getNearest()).isEqualTo(nearest);
				assertThat(ex.getMessage()).doesNotContain("idp.example.com");
				FailureAnalysis analysis = new UnknownPropertyFailureAnalyzer().analyze(ex);
				assertThat(analysis.getDescription()).contains(ex.getProperty()).contains("commandLineArgs");
				if (nearest != null) {
					assertThat(analysis.getAction()).contains("Did you mean '" + nearest + "'?");
				}
			});
	}

	@Test
	void theAnalysisSaysWhereInAFileThePropertyWasSet(@TempDir Path dir) throws Exception {
		Path yaml = Files.writeString(dir.resolve("app.yml"), "mcp:\n  oauth:\n    server:\n      isuer-uri: x\n");
		assertThatExceptionOfType(UnknownPropertyException.class)
			.isThrownBy(() -> start("--spring.config.additional-location=" + yaml.toUri()))
			.satisfies((ex) -> assertThat(new UnknownPropertyFailureAnalyzer().analyze(ex).getDescription())
				.contains("mcp.oauth.server.isuer-uri")
				.contains("app.yml")
				.contains("4:18"));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "mcp.oauth.server.issuer-uri=https://idp.example.com",
			"mcp.oauth.server.issuerUri=https://idp.example.com", "mcp.oauth.server.ISSUER_URI=https://idp.example.com",
			"mcp.oauth.server.required-scopes[0]=a", "mcp.oauth.server.tool-scopes.files.delete=a",
			"mcp.oauth.server.tool-scopes[admin:tool]=a", "mcp.oauth.server.jwks.refresh-cooldown=5s",
			"mcp.oauth.server.token-cache.enabled=true", "mcp.oauth.server.enabled=false",
			"mcp.oauth.server.introspection.client-id=x", "mcp.oauth.server.introspection.mode=all",
			"mcp.oauth.server.introspection.cache.max-size=5", "mcp.oauth.server.introspection.private-key-location=x",
			"mcp.oauth.client.registrations.crm.client-id=x",
			"mcp.oauth.client.registrations.crm.token-request-parameters.audience=x",
			"mcp.oauth.client.registrations.crm.cross-app-access.idp-client-id=x", "mcp.oauth.client.max-step-ups=1" })
	void everyKnownPropertyPasses(String property) {
		start("--" + property).close();
	}

	@Test
	void environmentVariablesAreReadAsSpringBootReadsThem() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("MCP_OAUTH_SERVER_ISSUERURI", "x", "MCP_OAUTH_CLIENT_REGISTRATIONS_CRM_CLIENTID", "y")));
		new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE).environment(environment).run().close();
		StandardEnvironment typo = new StandardEnvironment();
		typo.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("MCP_OAUTH_SERVER_ISUERURI", "x")));
		assertThatExceptionOfType(UnknownPropertyException.class)
			.isThrownBy(() -> new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
				.environment(typo)
				.run())
			.satisfies((ex) -> assertThat(ex.getNearest()).isEqualTo("mcp.oauth.server.issuer-uri"));
	}

	@Test
	void aServerPropertyWithoutAKeySourceIsReportedAsAMissingPropertyWithTheFix(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(AutoConfigured.class)
			.run("--server.port=0", "--mcp.oauth.server.required-scopes=mcp:tools"));
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The property 'mcp.oauth.server.issuer-uri' is not set")
			.contains("No key source to verify access tokens")
			.doesNotContain("Invalid value 'null'");
	}

	@Test
	void theFailureAnalyzerReportsAnUnknownPropertyInTheStartUpFailure(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("--mcp.oauth.server.isuer-uri=x"));
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The property 'mcp.oauth.server.isuer-uri'")
			.contains("Did you mean 'mcp.oauth.server.issuer-uri'?");
	}

	@Test
	void environmentVariablesWithUnderscoresForDashesAreReadAsSpringBootBindsThem() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("MCP_OAUTH_SERVER_ISSUER_URI", "https://idp.example.com",
									"MCP_OAUTH_SERVER_REQUIRED_SCOPES", "mcp:tools",
									"MCP_OAUTH_CLIENT_REGISTRATIONS_CRM_CLIENT_ID", "c",
									"MCP_OAUTH_CLIENT_REGISTRATIONS_CRM_CROSS_APP_ACCESS_IDP_CLIENT_ID", "i")));
		new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE).environment(environment).run().close();
	}

	@Test
	void aTypoInAPropertySourceFileStopsTheStartUpToo() {
		assertThatExceptionOfType(UnknownPropertyException.class)
			.isThrownBy(() -> new SpringApplicationBuilder(WithPropertySource.class).web(WebApplicationType.NONE)
				.run()
				.close())
			.satisfies((ex) -> assertThat(ex.getNearest()).isEqualTo("mcp.oauth.server.issuer-uri"));
	}

	private static ConfigurableApplicationContext start(String... args) {
		return new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE).run(args);
	}

	@SpringBootConfiguration
	static class Empty {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class AutoConfigured {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@PropertySource("classpath:dev/mcpoauth/properties/typo.properties")
	static class WithPropertySource {

	}

}
