package dev.mcpoauth.server.scope;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Stops the start-up when a {@code mcp.oauth.server.tool-scopes} key would be bound as another tool name. Written
 * without brackets, a map key keeps only letters, digits, {@code -} and {@code .}: {@code tool-scopes.admin:tool}
 * would list {@code admintool} and leave {@code admin:tool} with the endpoint's scopes only (a key with none of those
 * characters makes the binding fail with no hint of why). Runs on the property names as the user wrote them, after
 * the configuration files are loaded and before anything is bound; the message gives the bracket notation that keeps
 * the name whole. (Differences of case and of {@code _} that binding may still introduce, for example from an
 * environment variable, are covered by {@link ToolCallScopes}'s matching.)
 */
public final class ToolScopeKeysCheck implements EnvironmentPostProcessor, Ordered {

	/** A {@code tool-scopes} entry written without brackets, in any relaxed form, with its tool name and list index. */
	private static final Pattern UNBRACKETED_ENTRY = Pattern
		.compile("(?i)mcp\\.oauth\\.server\\.tool[-_]?scopes\\.([^\\[]+)(\\[\\d+\\])?");

	/** What binding keeps of an unbracketed map key (and {@code _}, which it reads as a separator). */
	private static final Pattern KEPT_BY_BINDING = Pattern.compile("[A-Za-z0-9._-]+");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					check(name, enumerable);
				}
			}
		}
	}

	private static void check(String name, EnumerablePropertySource<?> source) {
		Matcher entry = UNBRACKETED_ENTRY.matcher(name);
		if (entry.matches() && !KEPT_BY_BINDING.matcher(entry.group(1)).matches()) {
			String tool = entry.group(1);
			throw new InvalidConfigurationPropertyValueException(name, source.getProperty(name),
					"Spring Boot keeps only letters, digits, '-' and '.' of a map key written without brackets, so "
							+ "these scopes would not be bound to the tool '" + tool + "'. Write its name in brackets: "
							+ "mcp.oauth.server.tool-scopes[" + tool + "] (in YAML, quoted: \"[" + tool + "]\")");
		}
	}

	/** After the configuration files are loaded. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
