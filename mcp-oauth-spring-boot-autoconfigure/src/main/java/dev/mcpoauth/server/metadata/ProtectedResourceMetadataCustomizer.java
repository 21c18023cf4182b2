package dev.mcpoauth.server.metadata;

import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;

/**
 * Callback that adjusts the RFC 9728 Protected Resource Metadata after the starter has filled it in from
 * {@code mcp.oauth.server.*}. Declare beans of this type to add or change fields; they run in {@code @Order}.
 */
@FunctionalInterface
public interface ProtectedResourceMetadataCustomizer {

	/**
	 * Adjust the metadata.
	 * @param metadata the builder, already holding the resource identifier and the configured fields
	 */
	void customize(OAuth2ProtectedResourceMetadata.Builder metadata);

}
