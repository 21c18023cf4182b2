package dev.mcpoauth.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.discovery.McpServerDiscovery.AuthorizationServer;
import dev.mcpoauth.client.discovery.McpServerDiscovery.ProtectedResource;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery.DiscoveryException;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Where one registration gets its tokens, and the one authorization server its credentials are bound to.
 * <p>
 * The issuer is bound for the life of the registration: the configured {@code issuer-uri}, else the issuer found by
 * the first successful discovery. A later discovery (after a 401 naming other Protected Resource Metadata) whose
 * document does not list the bound issuer fails with {@code authorization_server_changed} and a WARN naming both
 * issuers, before any token request: the client's secret, client assertion, ID token or ID-JAG request never goes
 * to another authorization server (MCP authorization: "credentials valid for one authorization server" are not
 * assumed valid for another). Once discovered, the registration re-discovers at most once per {@link #COOL_DOWN},
 * so a server that alternates {@code resource_metadata} values cannot force a discovery on every 401.
 */
final class IssuerBoundDiscovery {

	/** The least time between two discoveries of a registration once one succeeded. */
	static final Duration COOL_DOWN = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(IssuerBoundDiscovery.class);

	private final String name;

	private final Registration registration;

	private final McpServerDiscovery discovery;

	private final Function<TokenEndpointTarget, McpTokenClient> tokenClients;

	private final Clock clock;

	private volatile Discovered current;

	private URI boundIssuer;

	private Instant lastDiscovery;

	/**
	 * @param name the registration name
	 * @param registration the registration
	 * @param discovery discovery of MCP servers and authorization servers
	 * @param tokenClients creates the token client of the registration's flow for a discovered target
	 * @param clock the clock
	 */
	IssuerBoundDiscovery(String name, Registration registration, McpServerDiscovery discovery,
			Function<TokenEndpointTarget, McpTokenClient> tokenClients, Clock clock) {
		this.name = name;
		this.registration = registration;
		this.discovery = discovery;
		this.tokenClients = tokenClients;
		this.clock = clock;
		this.boundIssuer = registration.getIssuerUri();
	}

	/** @return whether the token endpoint is known without asking the network (or already discovered) */
	boolean isKnown() {
		return this.current != null || this.registration.getTokenUri() != null;
	}

	/**
	 * The token endpoint: the known one, or discovered now when none is known, or when a challenge names other
	 * Protected Resource Metadata and the cool-down has passed.
	 * @param resourceMetadata the {@code resource_metadata} of a 401 challenge, or {@code null}
	 * @return the target and its token client
	 * @throws McpOAuthClientException when discovery fails or names another authorization server
	 */
	Discovered target(URI resourceMetadata) {
		Discovered known = this.current;
		if (known != null && (resourceMetadata == null || resourceMetadata.equals(known.resourceMetadata()))) {
			return known;
		}
		synchronized (this) {
			known = this.current;
			Instant now = this.clock.instant();
			if (known != null && (resourceMetadata == null || resourceMetadata.equals(known.resourceMetadata())
					|| now.isBefore(this.lastDiscovery.plus(COOL_DOWN)))) {
				return known;
			}
			this.lastDiscovery = now;
			try {
				TokenEndpointTarget target = discover(resourceMetadata);
				this.boundIssuer = target.issuer();
				this.current = new Discovered(resourceMetadata, target, this.tokenClients.apply(target));
				logger.info("MCP registration '" + this.name + "': resource " + target.resource()
						+ ", authorization server " + target.issuer() + ", token endpoint " + target.tokenEndpoint()
						+ " (" + target.clientAuthentication().getValue() + "), scopes supported "
						+ target.scopesSupported());
				return this.current;
			}
			catch (DiscoveryException ex) {
				throw new McpOAuthClientException(this.name, "discovery_failed", ex.getMessage(), 0);
			}
		}
	}

	private TokenEndpointTarget discover(URI resourceMetadata) {
		URI serverUrl = this.registration.getServerUrl();
		if (this.registration.getTokenUri() != null) {
			URI issuer = (this.registration.getIssuerUri() != null) ? this.registration.getIssuerUri()
					: this.registration.getTokenUri();
			return new TokenEndpointTarget(serverUrl, issuer, this.registration.getTokenUri(),
					clientAuthentication(List.of()), List.copyOf(this.registration.getScopes()));
		}
		if (this.registration.getIssuerUri() != null) {
			AuthorizationServer server = this.discovery.authorizationServer(this.registration.getIssuerUri());
			return target(serverUrl, server, List.of());
		}
		ProtectedResource protectedResource = this.discovery.protectedResource(serverUrl, resourceMetadata);
		URI issuer = boundIssuer(protectedResource);
		AuthorizationServer server = this.discovery.authorizationServer(issuer, protectedResource.metadataUrl());
		return target(protectedResource.resource(), server, protectedResource.scopesSupported());
	}

	/** The bound issuer if the document lists it, its first authorization server if none is bound yet. */
	private URI boundIssuer(ProtectedResource protectedResource) {
		List<URI> named = protectedResource.authorizationServers();
		if (this.boundIssuer == null) {
			return named.get(0);
		}
		String bound = this.boundIssuer.toString();
		if (named.stream().anyMatch((issuer) -> issuer.toString().equals(bound))) {
			return this.boundIssuer;
		}
		logger.warn("MCP registration '" + this.name + "': the Protected Resource Metadata at "
				+ protectedResource.metadataUrl() + " names authorization server(s) " + named
				+ ", but this registration's credentials are bound to " + bound + "; no token is requested elsewhere");
		throw new McpOAuthClientException(this.name, "authorization_server_changed", "The MCP server names "
				+ "authorization server(s) " + named + "; this registration is bound to " + bound, 0);
	}

	private TokenEndpointTarget target(URI resource, AuthorizationServer server, List<String> scopesSupported) {
		return new TokenEndpointTarget(resource, server.issuer(), server.tokenEndpoint(),
				clientAuthentication(server.tokenEndpointAuthMethods()), scopesSupported);
	}

	/**
	 * The configured method; else the first the authorization server advertises among those this registration has
	 * credentials for (a key: {@code private_key_jwt}; a secret: {@code client_secret_basic}, then
	 * {@code client_secret_post}); RFC 8414's default, {@code client_secret_basic}, when nothing is advertised.
	 */
	private ClientAuthenticationMethod clientAuthentication(List<String> advertised) {
		if (this.registration.getClientAuthenticationMethod() != null) {
			return new ClientAuthenticationMethod(this.registration.getClientAuthenticationMethod());
		}
		List<ClientAuthenticationMethod> possible = new ArrayList<>();
		if (this.registration.getPrivateKeyLocation() != null) {
			possible.add(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
		}
		if (this.registration.getClientSecret() != null) {
			possible.add(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
			possible.add(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		}
		if (possible.isEmpty()) {
			return ClientAuthenticationMethod.NONE;
		}
		List<String> offered = advertised.isEmpty() ? List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue())
				: advertised;
		return possible.stream()
			.filter((method) -> offered.contains(method.getValue()))
			.findFirst()
			.orElse(possible.get(0));
	}

	/**
	 * A discovered token endpoint.
	 *
	 * @param resourceMetadata the challenge's {@code resource_metadata} it was discovered from, or {@code null}
	 * @param target the token endpoint
	 * @param client its token client
	 */
	record Discovered(URI resourceMetadata, TokenEndpointTarget target, McpTokenClient client) {
	}

}
