package dev.mcpoauth.properties;

import java.util.List;

import dev.mcpoauth.properties.KnownPropertyNames.Unknown;

/**
 * A property under {@code mcp.oauth} that the starter does not know. Carries names only, never a value.
 */
public class UnknownPropertyException extends RuntimeException {

	private final String property;

	private final String origin;

	private final String nearest;

	private final List<String> known;

	UnknownPropertyException(String property, String origin, Unknown unknown) {
		super("Unknown property '" + property + "'" + ((unknown.nearest() != null)
				? "; did you mean '" + unknown.nearest() + "'?" : ""));
		this.property = property;
		this.origin = origin;
		this.nearest = unknown.nearest();
		this.known = unknown.known();
	}

	/** @return the property as set */
	public String getProperty() {
		return this.property;
	}

	/** @return where it was set, or {@code null} when not known */
	public String getOrigin() {
		return this.origin;
	}

	/** @return the nearest known name, or {@code null} */
	public String getNearest() {
		return this.nearest;
	}

	/** @return the known names at the place of the unknown one */
	public List<String> getKnown() {
		return this.known;
	}

}
