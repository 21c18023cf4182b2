package dev.mcpoauth.properties;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a starter property that must be set but is not (the starter's checks raise an
 * {@link InvalidConfigurationPropertyValueException} without a value) as missing, with the fix, instead of Spring
 * Boot's "Invalid value 'null'". Other invalid values are left to Spring Boot's analyzer, which shows the value and
 * the reason.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class MissingPropertyFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
		if (cause.getValue() != null || !KnownPropertyNames.ROOT.toString().regionMatches(0, cause.getName(), 0,
				KnownPropertyNames.ROOT.toString().length())) {
			return null;
		}
		return new FailureAnalysis("The property '" + cause.getName() + "' is not set, and the MCP OAuth starter "
				+ "needs it: " + cause.getReason(), "Set the property as described above.", cause);
	}

}
