package dev.mcpoauth.client.token;

import java.net.URI;
import java.util.List;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Where and how to request tokens for one MCP server, once discovery is done.
 *
 * @param resource the MCP server's resource identifier, sent as RFC 8707 {@code resource}
 * @param issuer the authorization server's issuer identifier: the {@code aud} of client assertions and ID-JAGs
 * @param tokenEndpoint the authorization server's token endpoint
 * @param clientAuthentication how the client authenticates there
 * @param scopesSupported the scopes the MCP server advertises
 */
public record TokenEndpointTarget(URI resource, URI issuer, URI tokenEndpoint,
		ClientAuthenticationMethod clientAuthentication, List<String> scopesSupported) {
}
