package dev.mcpoauth.client.token;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.MultiValueMap;

/**
 * Keeps the values of token request parameters out of logs. Spring's {@code RestClient} writes the request body's
 * {@code toString()} to its DEBUG log before sending it, so a client secret, a signed client assertion, an ID token
 * or an ID-JAG would reach the logs of anyone who turns DEBUG on for {@code org.springframework.web}. Here every
 * parameter not known to be harmless gets a value list whose {@code toString()} is {@code [(hidden)]}; the form is
 * still written in full, value by value.
 */
final class LogSafeParameters {

	private static final Set<String> SHOWN = Set.of(OAuth2ParameterNames.GRANT_TYPE, OAuth2ParameterNames.CLIENT_ID,
			OAuth2ParameterNames.SCOPE, OAuth2ParameterNames.CLIENT_ASSERTION_TYPE,
			OAuth2ParameterNames.REQUESTED_TOKEN_TYPE, OAuth2ParameterNames.SUBJECT_TOKEN_TYPE,
			OAuth2ParameterNames.AUDIENCE, "resource");

	private LogSafeParameters() {
	}

	/**
	 * Hide the values of every parameter but the harmless ones from {@code toString()}.
	 * @param parameters the form parameters of a token request, changed in place
	 */
	static void hideConfidentialValues(MultiValueMap<String, String> parameters) {
		for (String name : List.copyOf(parameters.keySet())) {
			if (!SHOWN.contains(name)) {
				parameters.put(name, new HiddenValues(parameters.get(name)));
			}
		}
	}

	/** Values that are sent as they are but print as {@code [(hidden)]}. */
	private static final class HiddenValues extends ArrayList<String> {

		HiddenValues(Collection<String> values) {
			super(values);
		}

		@Override
		public String toString() {
			return "[(hidden)]";
		}

	}

}
