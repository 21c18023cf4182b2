package dev.mcpoauth.properties;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Checks the names under {@code mcp.oauth} once more after the configuration classes are read, so that a typo in a
 * file added by {@code @PropertySource} (which comes after {@link UnknownPropertyCheck} first ran) stops the
 * start-up too, still before any property is bound.
 */
@AutoConfiguration
public final class PropertyNamesAutoConfiguration {

	@Bean
	static BeanFactoryPostProcessor mcpOAuthUnknownPropertyCheck(Environment environment) {
		return (beanFactory) -> {
			if (environment instanceof ConfigurableEnvironment configurable) {
				new UnknownPropertyCheck().check(configurable);
			}
		};
	}

}
