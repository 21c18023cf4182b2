package dev.mcpoauth.server;

import dev.mcpoauth.server.McpOAuthServerProperties.Introspection;

/**
 * How the configured server checks access tokens, decided once from its properties for the validator, the bean
 * conditions, the security chain and the start-up report: JWTs are verified locally when there is a key source and
 * introspection does not take every token; tokens are introspected when an introspection client is configured.
 */
final class TokenSources {

	static final String CLIENT_SECRET_BASIC = "client_secret_basic";

	static final String PRIVATE_KEY_JWT = "private_key_jwt";

	private TokenSources() {
	}

	/**
	 * Whether a key source for JWTs is configured ({@code issuer-uri} and {@code issuers} count: keys are discovered
	 * from them).
	 */
	static boolean hasKeySource(McpOAuthServerProperties properties) {
		return properties.getJwkSetUri() != null || properties.getPublicKeyLocation() != null
				|| properties.getHmacSecret() != null || properties.getIssuerUri() != null
				|| !properties.getIssuers().isEmpty();
	}

	/** Whether tokens are introspected: an introspection client is configured. */
	static boolean introspects(McpOAuthServerProperties properties) {
		return properties.getIntrospection().getClientId() != null;
	}

	/** Whether signed JWTs are verified locally rather than introspected. */
	static boolean verifiesJwtsLocally(McpOAuthServerProperties properties) {
		return hasKeySource(properties)
				&& !(introspects(properties) && properties.getIntrospection().getMode() == Introspection.Mode.ALL);
	}

	/** The introspection client's authentication method: as configured, else as its credentials suggest. */
	static String introspectionClientAuthenticationMethod(Introspection introspection) {
		if (introspection.getClientAuthenticationMethod() != null) {
			return introspection.getClientAuthenticationMethod();
		}
		return (introspection.getPrivateKeyLocation() != null) ? PRIVATE_KEY_JWT : CLIENT_SECRET_BASIC;
	}

}
