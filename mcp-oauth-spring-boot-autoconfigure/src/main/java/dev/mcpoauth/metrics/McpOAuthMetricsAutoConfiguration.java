package dev.mcpoauth.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.observation.McpOAuthObservations;
import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import dev.mcpoauth.server.introspection.CachingOpaqueTokenIntrospector;
import dev.mcpoauth.server.jwt.ValidatedTokenCache;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Micrometer's cache meters for the starter's caches, with Spring Boot Actuator (a {@link MeterRegistry} bean):
 * {@value #SERVER_TOKEN_CACHE} (validated tokens, {@code mcp.oauth.server.token-cache}),
 * {@value #INTROSPECTION_CACHE} (introspection answers) and {@value #CLIENT_TOKEN_CACHE} (each client
 * registration's tokens, tagged with {@code registration}). The observations
 * ({@link McpOAuthObservations}) need no configuration here: they go to the application's
 * {@code ObservationRegistry}. Each bean backs off when the application defines one of the same name.
 */
@AutoConfiguration(after = { McpOAuthServerAutoConfiguration.class, McpOAuthClientAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, CacheMeterBinder.class })
@ConditionalOnBean(MeterRegistry.class)
public final class McpOAuthMetricsAutoConfiguration {

	/** The {@code cache} tag of the MCP server's cache of validated tokens. */
	public static final String SERVER_TOKEN_CACHE = "mcp.oauth.server.token";

	/** The {@code cache} tag of the MCP server's cache of introspection answers. */
	public static final String INTROSPECTION_CACHE = "mcp.oauth.server.introspection";

	/** The {@code cache} tag of the client registrations' token caches. */
	public static final String CLIENT_TOKEN_CACHE = "mcp.oauth.client.token";

	/** The MCP server's caches, when it uses them. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(name = { McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN })
	static class ServerCacheMetricsConfiguration {

		@Bean(name = "mcpOAuthServerCacheMetrics")
		@ConditionalOnMissingBean(name = "mcpOAuthServerCacheMetrics")
		MeterBinder mcpOAuthServerCacheMetrics(
				@Qualifier(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN) ObjectProvider<JwtDecoder> decoder,
				@Qualifier(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN) ObjectProvider<OpaqueTokenIntrospector> introspector) {
			return (registry) -> {
				if (decoder.getIfAvailable() instanceof ValidatedTokenCache cache) {
					new CacheStatisticsMeterBinder(cache.statistics(), SERVER_TOKEN_CACHE, Tags.empty())
						.bindTo(registry);
				}
				if (introspector.getIfAvailable() instanceof CachingOpaqueTokenIntrospector cache) {
					new CacheStatisticsMeterBinder(cache.statistics(), INTROSPECTION_CACHE, Tags.empty())
						.bindTo(registry);
				}
			};
		}

	}

	/** The client registrations' token caches. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.oauth2.client.registration.ClientRegistration")
	@ConditionalOnBean(McpOAuthClients.class)
	static class ClientCacheMetricsConfiguration {

		@Bean(name = "mcpOAuthClientCacheMetrics")
		@ConditionalOnMissingBean(name = "mcpOAuthClientCacheMetrics")
		MeterBinder mcpOAuthClientCacheMetrics(McpOAuthClients clients) {
			return (registry) -> clients.names()
				.forEach((name) -> new CacheStatisticsMeterBinder(
						clients.authorization(name).tokenCacheStatistics(), CLIENT_TOKEN_CACHE,
						Tags.of(McpOAuthObservations.REGISTRATION, name))
					.bindTo(registry));
		}

	}

}
