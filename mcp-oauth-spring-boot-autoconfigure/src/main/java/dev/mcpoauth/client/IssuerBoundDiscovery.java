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

import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.discovery.McpServerDiscovery.AuthorizationServer;
import dev.mcpoauth.client.discovery.McpServerDiscovery.ProtectedResource;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery.DiscoveryException;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery.MetadataNotFoundException;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Where one registration gets its tokens, and the one authorization server its credentials are bound to.
 * <p>
 * Configured credentials are bound to one issuer for the life of the registration: the configured
 * {@code issuer-uri}, else the issuer found by the first successful discovery. A later discovery (after a 401 naming
 * other Protected Resource Metadata) whose document does not list the bound issuer fails with
 * {@code authorization_server_changed} and a WARN naming both issuers, before any token request: the client's
 * secret, client assertion, pre-registered client id, ID token or ID-JAG request never goes to another authorization
 * server (MCP authorization: "credentials valid for one authorization server" are not assumed valid for another).
 * Once discovered, the registration re-discovers at most once per {@link #COOL_DOWN}, so a server that alternates
 * {@code resource_metadata} values cannot force a discovery on every 401.
 * <p>
 * An authorization-code registration without configured credentials (it registers through a client ID metadata
 * document or dynamic client registration) has nothing to leak, and follows the authorization server the Protected
 * Resource Metadata names: it keeps the current one while the document lists it, else moves to the first one listed,
 * where it registers anew and gets its own tokens (SEP-2352: registration state and tokens are kept per
 * authorization server, nothing is carried over). In the authorization code flow a 401 refusing a token re-reads the
 * metadata whatever the cool-down, since that is how a move shows (a pre-registered client then fails with
 * {@code authorization_server_changed} rather than renewing at the old server); the replay rules of
 * {@link McpAuthorization} bound this to the refused calls. When an MCP server publishes no Protected Resource Metadata at all (MCP 2025-03-26), such a registration
 * takes the server's origin as its authorization server ({@link McpServerDiscovery#legacyAuthorizationServer}).
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

	/**
	 * Whether the registration follows the authorization server named by the MCP server rather than being bound to
	 * one: an authorization-code registration with no configured client id or issuer.
	 */
	private boolean followsAuthorizationServer() {
		return this.registration.getFlow() == Flow.AUTHORIZATION_CODE && this.registration.getClientId() == null
				&& this.registration.getIssuerUri() == null;
	}

	/** @return whether the token endpoint is known without asking the network (or already discovered) */
	boolean isKnown() {
		return this.current != null || this.registration.getTokenUri() != null;
	}

	/** @return the current target, or {@code null} before the first discovery */
	Discovered current() {
		return this.current;
	}

	/**
	 * The token endpoint: the known one, or discovered now when none is known, or when a challenge names other
	 * Protected Resource Metadata and the cool-down has passed.
	 * @param resourceMetadata the {@code resource_metadata} of a 401 challenge, or {@code null}
	 * @return the target and its token client
	 * @throws McpOAuthClientException when discovery fails or names another authorization server
	 */
	Discovered target(URI resourceMetadata) {
		return target(resourceMetadata, false);
	}

	/**
	 * {@link #target(URI)}, after the MCP server refused a token when {@code refused}: an authorization-code
	 * registration then reads the metadata again.
	 * @param resourceMetadata the {@code resource_metadata} of a 401 challenge, or {@code null}
	 * @param refused whether the server just refused a token it was sent
	 * @return the target and its token client
	 * @throws McpOAuthClientException when discovery fails or names another authorization server
	 */
	Discovered target(URI resourceMetadata, boolean refused) {
		boolean rediscover = refused && this.registration.getFlow() == Flow.AUTHORIZATION_CODE
				&& this.registration.getIssuerUri() == null;
		Discovered known = this.current;
		if (known != null && !rediscover
				&& (resourceMetadata == null || resourceMetadata.equals(known.resourceMetadata()))) {
			return known;
		}
		synchronized (this) {
			known = this.current;
			Instant now = this.clock.instant();
			if (known != null && !rediscover && (resourceMetadata == null
					|| resourceMetadata.equals(known.resourceMetadata())
					|| now.isBefore(this.lastDiscovery.plus(COOL_DOWN)))) {
				return known;
			}
			if (resourceMetadata == null && known != null) {
				resourceMetadata = known.resourceMetadata();
			}
			this.lastDiscovery = now;
			try {
				TokenEndpointTarget target = discover(resourceMetadata);
				this.boundIssuer = target.issuer();
				if (known != null && known.target().equals(target)) {
					this.current = new Discovered(resourceMetadata, known.target(), known.client());
					return this.current;
				}
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
					clientAuthentication(List.of()), List.copyOf(this.registration.getScopes()), null);
		}
		if (this.registration.getIssuerUri() != null) {
			AuthorizationServer server = this.discovery.authorizationServer(this.registration.getIssuerUri());
			return target(serverUrl, server, List.of());
		}
		ProtectedResource protectedResource;
		try {
			protectedResource = this.discovery.protectedResource(serverUrl, resourceMetadata);
		}
		catch (MetadataNotFoundException ex) {
			if (this.registration.getFlow() != Flow.AUTHORIZATION_CODE) {
				throw ex;
			}
			AuthorizationServer server = this.discovery.legacyAuthorizationServer(serverUrl);
			logger.info("MCP registration '" + this.name + "': " + serverUrl + " publishes no Protected Resource "
					+ "Metadata; using its origin as the authorization server (MCP 2025-03-26)");
			return target(serverUrl, boundIssuer(server.issuer(), List.of(server.issuer()), serverUrl), server,
					List.of());
		}
		URI issuer = boundIssuer(protectedResource);
		AuthorizationServer server = this.discovery.authorizationServer(issuer, protectedResource.metadataUrl());
		return target(protectedResource.resource(), server, protectedResource.scopesSupported());
	}

	/** The bound issuer if the document lists it, its first authorization server if none is bound yet. */
	private URI boundIssuer(ProtectedResource protectedResource) {
		return boundIssuer(null, protectedResource.authorizationServers(), protectedResource.metadataUrl());
	}

	/**
	 * The issuer to use among those named: the bound one when listed; else the first, unless credentials are bound
	 * to another ({@code authorization_server_changed}).
	 */
	private URI boundIssuer(URI legacy, List<URI> named, URI namedBy) {
		if (this.boundIssuer == null) {
			return named.get(0);
		}
		String bound = this.boundIssuer.toString();
		if (named.stream().anyMatch((issuer) -> issuer.toString().equals(bound))) {
			return this.boundIssuer;
		}
		if (followsAuthorizationServer()) {
			logger.info("MCP registration '" + this.name + "': " + namedBy + " now names authorization server(s) "
					+ named + " instead of " + bound + "; registering and authorizing there, with nothing carried over");
			return named.get(0);
		}
		String source = (legacy != null) ? "The MCP server " + namedBy + " publishes no Protected Resource Metadata"
				: "The Protected Resource Metadata at " + namedBy + " names authorization server(s) " + named;
		logger.warn("MCP registration '" + this.name + "': " + source
				+ ", but this registration's credentials are bound to " + bound + "; no token is requested elsewhere");
		throw new McpOAuthClientException(this.name, "authorization_server_changed", "The MCP server names "
				+ "authorization server(s) " + named + "; this registration is bound to " + bound, 0);
	}

	private TokenEndpointTarget target(URI resource, AuthorizationServer server, List<String> scopesSupported) {
		return target(resource, server.issuer(), server, scopesSupported);
	}

	private TokenEndpointTarget target(URI resource, URI issuer, AuthorizationServer server,
			List<String> scopesSupported) {
		return new TokenEndpointTarget(resource, issuer, server.tokenEndpoint(),
				clientAuthentication(server.tokenEndpointAuthMethods()), scopesSupported, server);
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
