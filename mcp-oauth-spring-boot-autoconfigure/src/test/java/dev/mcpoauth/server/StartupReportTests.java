package dev.mcpoauth.server;

import dev.mcpoauth.server.web.McpOAuthServerWebSecurityAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One INFO line says what is protected; a WARN says when every other path has become unreachable (Spring Boot's
 * default chain, nobody to log in), and only then.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupReportTests {

	private static final String LOCKED = "Every path other than the MCP endpoint";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
				UserDetailsServiceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				McpOAuthServerAutoConfiguration.class, McpOAuthServerWebSecurityAutoConfiguration.class))
		.withPropertyValues("mcp.oauth.server.issuer-uri=https://idp.example",
				"mcp.oauth.server.resource=https://mcp.example/mcp", "mcp.oauth.server.required-scopes=mcp:tools",
				"mcp.oauth.server.tool-scopes.admin-report=mcp:admin");

	@Test
	void saysWhatIsProtected(CapturedOutput output) {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("MCP OAuth protects /mcp/** (metadata at /.well-known/oauth-protected-resource/mcp)"
				+ ": resource https://mcp.example/mcp, tokens verified with the keys of issuer https://idp.example")
			.contains("required scopes [mcp:tools], tool scopes {admin-report=[mcp:admin]}")
			.doesNotContain("DPoP");
	}

	@Test
	void saysWhetherDPoPIsAcceptedOrRequired(CapturedOutput output) {
		this.runner.withPropertyValues("mcp.oauth.server.dpop.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("tool scopes {admin-report=[mcp:admin]}, DPoP-bound tokens accepted (proofs "
				+ "[ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512], at most 60s old)");
		this.runner
			.withPropertyValues("mcp.oauth.server.dpop.required=true", "mcp.oauth.server.dpop.algorithms=ES256",
					"mcp.oauth.server.dpop.nonce.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("DPoP-bound tokens only (proofs [ES256], at most 60s old, with a nonce)");
	}

	@Test
	void saysWhichTokensAreIntrospectedAndWhere(CapturedOutput output) {
		this.runner
			.withPropertyValues("mcp.oauth.server.introspection.client-id=rs",
					"mcp.oauth.server.introspection.client-secret=s")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("tokens verified with the keys of issuer https://idp.example (or its in-process "
				+ "authorization server) when they are signed JWTs, else introspected at the introspection_endpoint of "
				+ "issuer https://idp.example");
		this.runner
			.withPropertyValues("mcp.oauth.server.introspection.client-id=rs",
					"mcp.oauth.server.introspection.client-secret=s3cr3t-value", "mcp.oauth.server.introspection.mode=all",
					"mcp.oauth.server.introspection.endpoint=https://idp.example/introspect")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("every token introspected at https://idp.example/introspect")
			.doesNotContain("s3cr3t-value");
	}

	@Test
	void warnsWhenTheRestOfTheApplicationIsLockedWithNobodyToLogIn(CapturedOutput output) {
		this.runner.run((context) -> assertThat(context).hasBean(StartupReport.BOOT_DEFAULT_CHAIN));
		assertThat(output).contains(LOCKED).contains("requests.anyRequest().permitAll()");
	}

	@Test
	void staysQuietWhenTheApplicationHasItsOwnChain(CapturedOutput output) {
		this.runner.withUserConfiguration(OwnChain.class).run((context) -> {
			assertThat(context).doesNotHaveBean(StartupReport.BOOT_DEFAULT_CHAIN);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN);
		});
		assertThat(output).contains("MCP OAuth protects").doesNotContain(LOCKED);
	}

	@Test
	void staysQuietWhenSomebodyCanLogIn(CapturedOutput output) {
		this.runner.withUserConfiguration(Users.class).run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("MCP OAuth protects").doesNotContain(LOCKED);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnChain {

		@Bean
		SecurityFilterChain app(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Users {

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(User.withUsername("u").password("{noop}p").roles("USER").build());
		}

	}

}
