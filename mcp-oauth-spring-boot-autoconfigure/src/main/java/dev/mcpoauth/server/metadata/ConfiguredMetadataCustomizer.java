package dev.mcpoauth.server.metadata;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.mcpoauth.server.McpOAuthServerProperties;

import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;

/**
 * Fills the metadata from {@code mcp.oauth.server.*}: {@code authorization_servers} (default: the issuer, or every
 * trusted issuer),
 * {@code scopes_supported} (default: the required and tool scopes), {@code bearer_methods_supported: ["header"]},
 * {@code resource_name} and {@code resource_documentation}. Runs before the application's customizers.
 */
public final class ConfiguredMetadataCustomizer implements ProtectedResourceMetadataCustomizer {

	private final List<String> authorizationServers = new ArrayList<>();

	private final Set<String> scopesSupported = new LinkedHashSet<>();

	private final String resourceName;

	private final String resourceDocumentation;

	/**
	 * @param properties validated server properties
	 */
	public ConfiguredMetadataCustomizer(McpOAuthServerProperties properties) {
		properties.getAuthorizationServers().forEach((uri) -> this.authorizationServers.add(uri.toString()));
		if (this.authorizationServers.isEmpty() && properties.getIssuerUri() != null) {
			this.authorizationServers.add(properties.getIssuerUri().toString());
		}
		if (this.authorizationServers.isEmpty()) {
			properties.getIssuers()
				.values()
				.forEach((issuer) -> this.authorizationServers.add(issuer.getIssuerUri().toString()));
		}
		this.scopesSupported.addAll(properties.getScopesSupported());
		if (this.scopesSupported.isEmpty()) {
			this.scopesSupported.addAll(properties.getRequiredScopes());
			properties.getToolScopes().values().forEach(this.scopesSupported::addAll);
		}
		this.resourceName = properties.getResourceName();
		this.resourceDocumentation = (properties.getResourceDocumentation() != null)
				? properties.getResourceDocumentation().toString() : null;
	}

	@Override
	public void customize(OAuth2ProtectedResourceMetadata.Builder metadata) {
		metadata.authorizationServers((list) -> list.addAll(this.authorizationServers)).bearerMethod("header");
		if (!this.scopesSupported.isEmpty()) {
			metadata.scopes((list) -> list.addAll(this.scopesSupported));
		}
		if (this.resourceName != null) {
			metadata.resourceName(this.resourceName);
		}
		if (this.resourceDocumentation != null) {
			metadata.claim("resource_documentation", this.resourceDocumentation);
		}
	}

}
