package dev.mcpoauth.client.token;

import java.net.URI;
import java.util.List;

import dev.mcpoauth.client.discovery.McpServerDiscovery.AuthorizationServer;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Where and how to request tokens for one MCP server, once discovery is done.
 *
 * @param resource the MCP server's resource identifier, sent as RFC 8707 {@code resource}, exactly as the Protected
 * Resource Metadata published it
 * @param issuer the authorization server's issuer identifier: the {@code aud} of client assertions and ID-JAGs
 * @param tokenEndpoint the authorization server's token endpoint
 * @param clientAuthentication how the client authenticates there (with configured credentials)
 * @param scopesSupported the scopes the MCP server advertises
 * @param authorizationServer the authorization server's metadata, or {@code null} when the token endpoint was
 * configured rather than discovered
 */
public record TokenEndpointTarget(URI resource, URI issuer, URI tokenEndpoint,
		ClientAuthenticationMethod clientAuthentication, List<String> scopesSupported,
		AuthorizationServer authorizationServer) {
}
