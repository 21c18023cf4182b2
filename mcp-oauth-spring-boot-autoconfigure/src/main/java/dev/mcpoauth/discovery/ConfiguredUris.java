package dev.mcpoauth.discovery;

import java.net.URI;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The start-up rule for every configured endpoint URI: absolute http(s) with a host and no fragment, and, where an
 * {@link HttpsPolicy} applies, https unless the host is loopback or the user opted in.
 */
public final class ConfiguredUris {

	private ConfiguredUris() {
	}

	/**
	 * Check a configured URI.
	 * @param property the full property name
	 * @param uri the value, possibly {@code null} (then nothing is checked)
	 * @param https the plain-http policy, or {@code null} where plain http is fine (an advertised identifier)
	 * @param optInProperty the property that allows plain http
	 * @throws InvalidConfigurationPropertyValueException naming the property and the fix
	 */
	public static void check(String property, URI uri, HttpsPolicy https, String optInProperty) {
		if (uri == null) {
			return;
		}
		String scheme = uri.getScheme();
		if (!uri.isAbsolute() || uri.getHost() == null || uri.getFragment() != null
				|| !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
			throw new InvalidConfigurationPropertyValueException(property, uri,
					"Use an absolute http(s) URI with a host and no fragment");
		}
		if (https != null && !https.permits(uri)) {
			throw new InvalidConfigurationPropertyValueException(property, uri,
					"Use https; plain http is allowed for loopback hosts only, unless you set " + optInProperty + "=true");
		}
	}

}
