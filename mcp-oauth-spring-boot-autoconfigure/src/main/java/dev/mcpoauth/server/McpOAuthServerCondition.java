package dev.mcpoauth.server;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The condition of {@link ConditionalOnMcpOAuthServer}.
 */
class McpOAuthServerCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("mcp.oauth.server");

	private static final String ENABLED = "mcp.oauth.server.enabled";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnMcpOAuthServer.class);
		if (!context.getEnvironment().getProperty(ENABLED, Boolean.class, true)) {
			return ConditionOutcome.noMatch(message.because(ENABLED + " is false"));
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& iterable.filter(PREFIX::isAncestorOf).stream().findAny().isPresent()) {
				return ConditionOutcome.match(message.found("property under").items(PREFIX));
			}
		}
		return ConditionOutcome.noMatch(message.didNotFind("property under").items(PREFIX));
	}

}
