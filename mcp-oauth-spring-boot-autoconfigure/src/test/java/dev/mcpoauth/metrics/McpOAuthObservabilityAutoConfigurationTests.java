package dev.mcpoauth.metrics;

import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;

import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.health.McpOAuthHealthAutoConfiguration;
import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.web.McpOAuthServerWebSecurityAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the metrics and health auto-configurations: with Actuator's registries the beans are there and
 * the starter's components report to the application's registries; without Micrometer or without Spring Boot's
 * health module (the starter's optional dependencies) nothing of theirs is made and the rest works; each bean backs
 * off for the application's own.
 */
class McpOAuthObservabilityAutoConfigurationTests {

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private static final String CLIENT = "mcp.oauth.client.registrations.weather.";

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	/** The starter with Spring Security, without Actuator. */
	private final WebApplicationContextRunner withoutActuator = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
				UserDetailsServiceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				McpOAuthServerAutoConfiguration.class, McpOAuthServerWebSecurityAutoConfiguration.class,
				McpOAuthClientAutoConfiguration.class, McpOAuthHealthAutoConfiguration.class,
				McpOAuthMetricsAutoConfiguration.class))
		.withPropertyValues("mcp.oauth.server.issuer-uri=" + this.idp.url(),
				"mcp.oauth.server.jwk-set-uri=" + this.idp.url() + "/jwks", "mcp.oauth.server.resource=" + AUDIENCE,
				"mcp.oauth.server.token-cache.enabled=true");

	/** The same with Actuator's observation and metrics registries. */
	private final WebApplicationContextRunner runner = this.withoutActuator
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

	McpOAuthObservabilityAutoConfigurationTests() {
		this.idp.serve("/jwks", Jwts.jwks(this.key.toPublicJWK()));
	}

	@AfterEach
	void stop() {
		this.idp.close();
	}

	@Test
	void withActuatorTheComponentsReportToTheApplicationsRegistries() {
		this.runner.withPropertyValues(CLIENT + "server-url=https://weather.example/mcp", CLIENT + "client-id=w",
				CLIENT + "client-secret=y")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean("mcpOAuthServerHealthContributor")
					.hasBean("mcpOAuthClientHealthContributor")
					.hasBean(McpOAuthHealthAutoConfiguration.HEALTH_GROUPS_BEAN)
					.hasBean("mcpOAuthServerCacheMetrics")
					.hasBean("mcpOAuthClientCacheMetrics");
				AccessTokenAuthenticator authenticator = context
					.getBean(McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN, AccessTokenAuthenticator.class);
				String token = Jwts.sign(this.key, this.idp.url(), AUDIENCE);
				authenticator.authenticate(new BearerTokenAuthenticationToken(token), () -> AUDIENCE, true);
				authenticator.authenticate(new BearerTokenAuthenticationToken(token), () -> AUDIENCE, true);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("mcp.oauth.server.token.validations").tags("outcome", "accepted").timer().count())
					.isEqualTo(2);
				assertThat(meters.get("cache.gets")
					.tags("cache", McpOAuthMetricsAutoConfiguration.SERVER_TOKEN_CACHE, "result", "hit")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(meters.get("cache.gets")
					.tags("cache", McpOAuthMetricsAutoConfiguration.CLIENT_TOKEN_CACHE, "registration", "weather",
							"result", "miss")
					.functionCounter()
					.count()).isZero();
			});
	}

	@Test
	void withoutARegistrationThereIsNoClientHealthContributor() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasBean("mcpOAuthServerHealthContributor")
			.doesNotHaveBean("mcpOAuthClientHealthContributor"));
	}

	@Test
	void withoutMicrometerNothingOfTheMetricsIsMadeAndTheServerWorks() {
		this.withoutActuator.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.withPropertyValues(CLIENT + "server-url=https://weather.example/mcp", CLIENT + "client-id=w",
					CLIENT + "client-secret=y")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("mcpOAuthServerCacheMetrics")
					.doesNotHaveBean("mcpOAuthClientCacheMetrics");
				AccessTokenAuthenticator authenticator = context
					.getBean(McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN, AccessTokenAuthenticator.class);
				assertThat(authenticator.authenticate(
						new BearerTokenAuthenticationToken(Jwts.sign(this.key, this.idp.url(), AUDIENCE)),
						() -> AUDIENCE, true).isAuthenticated()).isTrue();
			});
	}

	@Test
	void withoutAMeterRegistryBeanThereAreNoCacheMetrics() {
		this.withoutActuator.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ObservationRegistry.class).doesNotHaveBean("mcpOAuthServerCacheMetrics");
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN);
		});
	}

	@Test
	void withoutTheHealthModuleNothingOfTheHealthIsMade() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("mcpOAuthServerHealthContributor")
					.doesNotHaveBean(McpOAuthHealthAutoConfiguration.HEALTH_GROUPS_BEAN);
				assertThat(context).hasBean(McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN);
			});
	}

	@Test
	void withoutSpringSecuritysOAuthClientTheClientPartsBackOff() {
		this.runner.withClassLoader(new FilteredClassLoader(ClientRegistration.class))
			.withPropertyValues(CLIENT + "server-url=https://weather.example/mcp")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("mcpOAuthClientHealthContributor")
					.doesNotHaveBean("mcpOAuthClientCacheMetrics")
					.hasBean("mcpOAuthServerHealthContributor")
					.hasBean("mcpOAuthServerCacheMetrics");
			});
	}

	@Test
	void aNegativeProbeIntervalStopsTheStartUpNamingTheProperty() {
		this.runner.withPropertyValues("mcp.oauth.health.probe-interval=-5s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("mcp.oauth.health.probe-interval")
				.hasMessageContaining("zero or more"));
	}

	@Test
	void theApplicationsOwnBeansReplaceTheStartersOnes() {
		HealthIndicator own = () -> Health.up().build();
		this.runner.withBean("mcpOAuthServerHealthContributor", HealthIndicator.class, () -> own)
			.withBean("mcpOAuthServerCacheMetrics", MeterBinder.class,
					() -> (registry) -> {
					})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("mcpOAuthServerHealthContributor")).isSameAs(own);
				assertThat(context.getBean(MeterRegistry.class).find("cache.gets")
					.tags("cache", McpOAuthMetricsAutoConfiguration.SERVER_TOKEN_CACHE)
					.functionCounters()).isEmpty();
			});
	}

}
