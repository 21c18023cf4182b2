package dev.mcpoauth.properties;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link UnknownPropertyException} into the "APPLICATION FAILED TO START" description and action: which
 * property, where it was set, and the name to use instead.
 */
public final class UnknownPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnknownPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownPropertyException cause) {
		String description = "The property '" + cause.getProperty() + "'"
				+ ((cause.getOrigin() != null) ? " (" + cause.getOrigin() + ")" : "")
				+ " is not a property of the MCP OAuth starter, so it would be ignored.";
		String action = ((cause.getNearest() != null) ? "Did you mean '" + cause.getNearest() + "'? " : "")
				+ "The properties known there are: " + String.join(", ", cause.getKnown())
				+ ". Rename or remove the property.";
		return new FailureAnalysis(description, action, cause);
	}

}
