package dev.mcpoauth.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.mcpoauth.client.McpOAuthClientProperties.CrossAppAccess;
import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.dpop.DPoPProofs;
import dev.mcpoauth.client.token.AssertionSigningKey;
import dev.mcpoauth.discovery.ConfiguredUris;
import dev.mcpoauth.discovery.HttpsPolicy;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks {@link McpOAuthClientProperties} at start-up and loads the client assertion keys once. A wrong value or
 * combination fails with an {@link InvalidConfigurationPropertyValueException} that names the property and the fix;
 * secrets and keys are never part of the message.
 */
final class McpOAuthClientPropertiesValidator {

	private static final Set<String> METHODS = Set.of("client_secret_basic", "client_secret_post", "private_key_jwt");

	private static final Set<String> IDP_METHODS = Set.of("client_secret_basic", "client_secret_post", "none");

	private McpOAuthClientPropertiesValidator() {
	}

	/**
	 * Validate, and load the signing keys.
	 * @param properties the client properties
	 * @param externalAssertions whether the application signs client assertions itself (its own
	 * {@code ClientAssertionFactory}), so that {@code private_key_jwt} needs no key file
	 * @param externalWorkloadTokens whether the application supplies workload identity tokens itself (its own
	 * {@code WorkloadIdentityTokenSource}), so that the workload-identity flow needs no token file
	 * @return the client assertion keys by registration name
	 */
	static Map<String, AssertionSigningKey> validate(McpOAuthClientProperties properties, boolean externalAssertions,
			boolean externalWorkloadTokens) {
		HttpsPolicy https = new HttpsPolicy(properties.isAllowInsecureHttp());
		Map<String, AssertionSigningKey> keys = new LinkedHashMap<>();
		properties.getRegistrations().forEach((name, registration) -> {
			String prefix = "mcp.oauth.client.registrations." + name + ".";
			validateUri(prefix + "server-url", registration.getServerUrl(), true, https);
			validateServerUrlPath(prefix + "server-url", registration.getServerUrl());
			validateUri(prefix + "issuer-uri", registration.getIssuerUri(), false, https);
			validateUri(prefix + "token-uri", registration.getTokenUri(), false, https);
			boolean authorizationCode = registration.getFlow() == Flow.AUTHORIZATION_CODE;
			if (authorizationCode) {
				validateAuthorizationCode(prefix, registration, https);
			}
			else if (registration.getClientId() == null || registration.getClientId().isBlank()) {
				throw new InvalidConfigurationPropertyValueException(prefix + "client-id", null,
						"Set the client's identifier at the MCP server's authorization server");
			}
			String method = registration.getClientAuthenticationMethod();
			if (method != null && !METHODS.contains(method) && !(authorizationCode && "none".equals(method))) {
				throw new InvalidConfigurationPropertyValueException(prefix + "client-authentication-method", method,
						"Use one of " + METHODS + (authorizationCode ? " or none" : ""));
			}
			boolean assertions = registration.getPrivateKeyLocation() != null
					|| (externalAssertions && "private_key_jwt".equals(method));
			if ("private_key_jwt".equals(method) && !assertions) {
				throw new InvalidConfigurationPropertyValueException(prefix + "private-key-location", null,
						"private_key_jwt needs the key that signs client assertions: a PKCS#8 PEM or JWK file");
			}
			if (method != null && method.startsWith("client_secret") && registration.getClientSecret() == null) {
				throw new InvalidConfigurationPropertyValueException(prefix + "client-secret", null,
						method + " needs the client's secret");
			}
			boolean workloadIdentity = registration.getFlow() == Flow.WORKLOAD_IDENTITY;
			if (registration.getClientSecret() == null && !assertions && !authorizationCode && !workloadIdentity) {
				throw new InvalidConfigurationPropertyValueException(prefix + "client-secret", null,
						"The client has no credentials: set client-secret or private-key-location");
			}
			if (authorizationCode && registration.getClientId() == null
					&& (registration.getClientSecret() != null || registration.getPrivateKeyLocation() != null)) {
				throw new InvalidConfigurationPropertyValueException(prefix + "client-id", null,
						"A client-secret or private-key-location belongs to a pre-registered client: set its client-id");
			}
			if (registration.getTokenUri() != null && registration.getIssuerUri() == null
					&& (assertions || registration.getFlow() == Flow.CROSS_APP_ACCESS)) {
				throw new InvalidConfigurationPropertyValueException(prefix + "issuer-uri", null,
						"With token-uri, set issuer-uri too: it is the audience of client assertions and ID-JAGs");
			}
			if (registration.getAssertionLifetime() == null || registration.getAssertionLifetime().isNegative()
					|| registration.getAssertionLifetime().isZero()
					|| registration.getAssertionLifetime().getSeconds() > 300) {
				throw new InvalidConfigurationPropertyValueException(prefix + "assertion-lifetime",
						registration.getAssertionLifetime(), "Use a short positive duration, at most 5m (e.g. 60s)");
			}
			if (registration.getPrivateKeyLocation() != null) {
				keys.put(name, AssertionSigningKey.loadConfigured(prefix, registration.getPrivateKeyLocation(),
						registration.getKeyId(), registration.getSigningAlgorithm()));
			}
			if (registration.getFlow() == Flow.CROSS_APP_ACCESS) {
				validateCrossAppAccess(prefix + "cross-app-access.", registration.getCrossAppAccess(), https);
			}
			if (workloadIdentity && !externalWorkloadTokens) {
				validateTokenFile(prefix + "workload-identity.token-file",
						registration.getWorkloadIdentity().getTokenFile());
			}
			validateDpop(prefix + "dpop.algorithm", registration.getDpop());
		});
		return keys;
	}

	/**
	 * The authorization code flow: the client gets an identity at each authorization server (client-id, a client ID
	 * metadata document, or dynamic registration), a redirect URI, and never a configured token endpoint (the
	 * authorization endpoint must be discovered with it).
	 */
	private static void validateAuthorizationCode(String prefix, Registration registration, HttpsPolicy https) {
		McpOAuthClientProperties.AuthorizationCode settings = registration.getAuthorizationCode();
		String group = prefix + "authorization-code.";
		if (registration.getTokenUri() != null) {
			throw new InvalidConfigurationPropertyValueException(prefix + "token-uri", registration.getTokenUri(),
					"The authorization-code flow discovers the authorization and token endpoints together: remove "
							+ "token-uri, and set issuer-uri to skip the Protected Resource Metadata");
		}
		if (registration.getClientId() != null && registration.getClientId().isBlank()) {
			throw new InvalidConfigurationPropertyValueException(prefix + "client-id", registration.getClientId(),
					"Set the pre-registered client's identifier, or remove client-id to register dynamically");
		}
		URI redirect = settings.getRedirectUri();
		if (redirect == null) {
			throw new InvalidConfigurationPropertyValueException(group + "redirect-uri", null,
					"Set where the authorization server sends the resource owner back, e.g. "
							+ "http://127.0.0.1/mcp-oauth/callback for a headless client");
		}
		validateUri(group + "redirect-uri", redirect, true, https);
		if (redirect.getRawQuery() != null) {
			throw new InvalidConfigurationPropertyValueException(group + "redirect-uri", redirect,
					"Use a redirect URI without a query");
		}
		URI document = settings.getClientIdMetadataDocument();
		if (document != null) {
			String path = document.getRawPath();
			if (!document.isAbsolute() || !"https".equalsIgnoreCase(document.getScheme()) || document.getHost() == null
					|| path == null || path.isEmpty() || "/".equals(path) || document.getRawFragment() != null
					|| document.getRawUserInfo() != null) {
				throw new InvalidConfigurationPropertyValueException(group + "client-id-metadata-document", document,
						"Use the https URL, with a path, where this client's metadata document is served");
			}
			if (registration.getClientId() != null) {
				throw new InvalidConfigurationPropertyValueException(group + "client-id-metadata-document", document,
						"Set either client-id (a pre-registered client) or a client ID metadata document, not both");
			}
		}
		if (registration.getClientId() == null && document == null && !settings.isDynamicRegistration()) {
			throw new InvalidConfigurationPropertyValueException(prefix + "client-id", null,
					"The client needs an identity at the authorization server: set client-id (pre-registered), "
							+ "authorization-code.client-id-metadata-document, or authorization-code.dynamic-registration=true");
		}
		if (settings.getApplicationType() == null) {
			throw new InvalidConfigurationPropertyValueException(group + "application-type", null,
					"Use native or web");
		}
	}

	/** The workload's token file must be readable at start-up; it is read again for every token request. */
	private static void validateTokenFile(String property, Path file) {
		if (file == null) {
			throw new InvalidConfigurationPropertyValueException(property, null,
					"Set the file holding the platform-issued JWT (e.g. a Kubernetes projected service account "
							+ "token), or declare a WorkloadIdentityTokenSource bean");
		}
		if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
			throw new InvalidConfigurationPropertyValueException(property, file,
					"The file does not exist or cannot be read by this process; mount the token there or correct "
							+ "the path");
		}
	}

	private static void validateDpop(String property, McpOAuthClientProperties.Dpop dpop) {
		if (dpop.isEnabled() && !DPoPProofs.ALGORITHMS.contains(dpop.getAlgorithm())) {
			throw new InvalidConfigurationPropertyValueException(property, dpop.getAlgorithm(),
					"Use one of " + DPoPProofs.ALGORITHMS);
		}
	}

	private static void validateCrossAppAccess(String prefix, CrossAppAccess idp, HttpsPolicy https) {
		validateUri(prefix + "idp-token-uri", idp.getIdpTokenUri(), false, https);
		validateUri(prefix + "idp-issuer-uri", idp.getIdpIssuerUri(), false, https);
		if (idp.getIdpTokenUri() == null && idp.getIdpIssuerUri() == null) {
			throw new InvalidConfigurationPropertyValueException(prefix + "idp-token-uri", null,
					"Name the enterprise identity provider: set idp-token-uri or idp-issuer-uri");
		}
		if (idp.getIdpClientId() == null || idp.getIdpClientId().isBlank()) {
			throw new InvalidConfigurationPropertyValueException(prefix + "idp-client-id", null,
					"Set the client's identifier at the enterprise identity provider");
		}
		String method = idp.getIdpClientAuthenticationMethod();
		if (method != null && !IDP_METHODS.contains(method)) {
			throw new InvalidConfigurationPropertyValueException(prefix + "idp-client-authentication-method", method,
					"Use one of " + IDP_METHODS);
		}
	}

	/** Tokens go only under the server-url: its path must be readable as {@link ServerUrlScope} reads it. */
	private static void validateServerUrlPath(String property, URI serverUrl) {
		try {
			new ServerUrlScope(serverUrl);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, serverUrl,
					"Use the MCP endpoint's URL without user info, '.' or '..' segments, encoded '/' or '\\', "
							+ "or escapes that are not UTF-8: tokens are sent only to requests under it");
		}
	}

	private static void validateUri(String property, URI uri, boolean required, HttpsPolicy https) {
		if (uri == null && required) {
			throw new InvalidConfigurationPropertyValueException(property, null, "Set the absolute URL");
		}
		ConfiguredUris.check(property, uri, https, "mcp.oauth.client.allow-insecure-http");
	}

}
