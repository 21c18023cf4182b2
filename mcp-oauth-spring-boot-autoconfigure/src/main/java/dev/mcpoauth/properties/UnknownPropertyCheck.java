package dev.mcpoauth.properties;

import java.util.Optional;

import dev.mcpoauth.properties.KnownPropertyNames.Unknown;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Stops the start-up when a property under {@code mcp.oauth} is not one the starter knows, naming it, where it was
 * set, and the nearest known name: a typo such as {@code mcp.oauth.server.isuer-uri} would otherwise leave the
 * property unset without a word. Runs on every property source, after the configuration files are loaded and
 * before anything is bound, and again once {@code @PropertySource} files are in
 * ({@link PropertyNamesAutoConfiguration}); {@link UnknownPropertyFailureAnalyzer} reports it.
 */
public final class UnknownPropertyCheck implements EnvironmentPostProcessor, Ordered {

	private final KnownPropertyNames known = new KnownPropertyNames();

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		check(environment);
	}

	/**
	 * Check every property under {@code mcp.oauth} of the environment as it stands.
	 * @param environment the environment
	 * @throws UnknownPropertyException for the first name the starter does not know
	 */
	public void check(ConfigurableEnvironment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(KnownPropertyNames.ROOT::isAncestorOf).stream().forEach((name) -> check(name, source));
			}
		}
	}

	private void check(ConfigurationPropertyName name, ConfigurationPropertySource source) {
		Optional<Unknown> unknown = this.known.check(name,
				source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource);
		if (unknown.isPresent()) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			String origin = (property != null && property.getOrigin() != null) ? property.getOrigin().toString() : null;
			throw new UnknownPropertyException(name.toString(), origin, unknown.get());
		}
	}

	/** After the configuration files are loaded. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
