package dev.mcpoauth.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.mcpoauth.client.AuthorizationServerStatuses;
import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClientProperties;
import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import dev.mcpoauth.server.McpOAuthServerProperties;
import dev.mcpoauth.server.jwt.KeySetSources;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Health of what MCP OAuth depends on, with Spring Boot Actuator: the MCP server's JWK Sets
 * ({@value #SERVER_CONTRIBUTOR}) and each client registration's authorization server ({@value #CLIENT_CONTRIBUTOR},
 * one component per registration), in the health group {@value McpOAuthHealthGroups#GROUP} and, unless
 * {@code mcp.oauth.health.include-in-default-group} is set, not in the overall status. Each bean backs off when the
 * application defines one of the same name.
 */
@AutoConfiguration(after = { McpOAuthServerAutoConfiguration.class, McpOAuthClientAutoConfiguration.class })
@ConditionalOnClass({ HealthIndicator.class, HealthEndpointGroupsPostProcessor.class, SecurityContext.class })
@EnableConfigurationProperties(McpOAuthHealthProperties.class)
public final class McpOAuthHealthAutoConfiguration {

	/** Name of the MCP server's health contributor (its bean name less {@code HealthContributor}). */
	public static final String SERVER_CONTRIBUTOR = "mcpOAuthServer";

	/** Name of the client registrations' health contributor (its bean name less {@code HealthContributor}). */
	public static final String CLIENT_CONTRIBUTOR = "mcpOAuthClient";

	/** Name of the bean that puts the contributors in their group. */
	public static final String HEALTH_GROUPS_BEAN = "mcpOAuthHealthGroups";

	McpOAuthHealthAutoConfiguration(McpOAuthHealthProperties health) {
		if (health.getProbeInterval() == null || health.getProbeInterval().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("mcp.oauth.health.probe-interval",
					health.getProbeInterval(),
					"Use a duration of zero or more (default 30s): how old a known state may be before a health "
							+ "check starts a request of its own in the background");
		}
	}

	@Bean(name = HEALTH_GROUPS_BEAN)
	@ConditionalOnMissingBean(name = HEALTH_GROUPS_BEAN)
	HealthEndpointGroupsPostProcessor mcpOAuthHealthGroups(McpOAuthHealthProperties health) {
		return new McpOAuthHealthGroups(Set.of(SERVER_CONTRIBUTOR, CLIENT_CONTRIBUTOR),
				health.isIncludeInDefaultGroup());
	}

	@Bean(name = SERVER_CONTRIBUTOR + "HealthContributor")
	@ConditionalOnBean(KeySetSources.class)
	@ConditionalOnMissingBean(name = SERVER_CONTRIBUTOR + "HealthContributor")
	HealthIndicator mcpOAuthServerHealthContributor(KeySetSources keySets, McpOAuthServerProperties server,
			McpOAuthHealthProperties health) {
		boolean staticKey = server.getHmacSecret() != null || server.getPublicKeyLocation() != null;
		return new KeySetHealthIndicator(keySets, keySetProbeInterval(health, server), staticKey);
	}

	/**
	 * The key sets' probe interval: {@code mcp.oauth.health.probe-interval}, but never shorter than
	 * {@code mcp.oauth.server.jwks.refresh-cooldown}, so that health checks fetch a JWK Set no more often than
	 * tokens naming unknown keys can make the decoder fetch it.
	 */
	static Duration keySetProbeInterval(McpOAuthHealthProperties health, McpOAuthServerProperties server) {
		Duration cooldown = server.getJwks().getRefreshCooldown();
		Duration interval = health.getProbeInterval();
		return (cooldown != null && cooldown.compareTo(interval) > 0) ? cooldown : interval;
	}

	/** The client side, when Spring Security's OAuth 2.0 client (and with it the client auto-configuration) is on. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.oauth2.client.registration.ClientRegistration")
	static class ClientHealthConfiguration {

		@Bean(name = CLIENT_CONTRIBUTOR + "HealthContributor")
		@ConditionalOnBean(AuthorizationServerStatuses.class)
		@Conditional(RegistrationsCondition.class)
		@ConditionalOnMissingBean(name = CLIENT_CONTRIBUTOR + "HealthContributor")
		CompositeHealthContributor mcpOAuthClientHealthContributor(AuthorizationServerStatuses statuses,
				McpOAuthClientProperties client, McpOAuthHealthProperties health) {
			Map<String, HealthIndicator> registrations = new LinkedHashMap<>();
			client.getRegistrations()
				.keySet()
				.forEach((name) -> registrations.put(name.replace('/', '-'),
						new AuthorizationServerHealthIndicator(statuses.status(name), health.getProbeInterval())));
			return CompositeHealthContributor.fromMap(registrations);
		}

	}

	/** At least one client registration is configured under {@code mcp.oauth.client.registrations}. */
	static final class RegistrationsCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("MCP OAuth client registrations");
			boolean any = Binder.get(context.getEnvironment())
				.bind("mcp.oauth.client.registrations", Bindable.mapOf(String.class, Object.class))
				.map((registrations) -> !registrations.isEmpty())
				.orElse(false);
			return any ? ConditionOutcome.match(message.found("property").items("mcp.oauth.client.registrations"))
					: ConditionOutcome.noMatch(message.didNotFind("property").items("mcp.oauth.client.registrations"));
		}

	}

}
