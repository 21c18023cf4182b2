package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.Digests;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClientProperties.AuthorizationCode;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery.AuthorizationServer;
import dev.mcpoauth.client.token.TokenEndpointTarget;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Who the client is at each authorization server of one registration, kept per issuer and never carried from one
 * to another: the configured {@code client-id} (with its secret or key; {@code IssuerBoundDiscovery} binds such a
 * registration to one issuer), else the Client ID Metadata Document URL where the authorization server advertises
 * {@code client_id_metadata_document_supported}, else a dynamic client registration (RFC 7591) at its
 * {@code registration_endpoint}, made once per authorization server (again when its secret expires) and kept in
 * memory. Each becomes a Spring Security {@link ClientRegistration} in the {@link McpClientRegistrationRepository}.
 */
final class ClientIdentities {

	private static final Log logger = LogFactory.getLog(ClientIdentities.class);

	private final String name;

	private final Registration registration;

	private final DynamicClientRegistration dynamicRegistration;

	private final McpClientRegistrationRepository repository;

	private final Clock clock;

	private final Map<String, Identity> byIssuer = new ConcurrentHashMap<>();

	ClientIdentities(String name, Registration registration, DynamicClientRegistration dynamicRegistration,
			McpClientRegistrationRepository repository, Clock clock) {
		this.name = name;
		this.registration = registration;
		this.dynamicRegistration = dynamicRegistration;
		this.repository = repository;
		this.clock = clock;
	}

	/**
	 * The registration id of this registration at an authorization server for one resource: stored tokens are kept
	 * under it, so a token obtained for one MCP server (its RFC 8707 resource) is never handed to another, even when
	 * several share one token store.
	 * @param name the registration name
	 * @param issuer the issuer identifier
	 * @param resource the MCP server's resource identifier
	 * @return the id
	 */
	static String registrationId(String name, URI issuer, URI resource) {
		return name + "@" + Digests.sha256(issuer + " " + resource).substring(0, 16);
	}

	/**
	 * The client's registration at the target's authorization server, registering there first when needed.
	 * @param target the discovered target (with its authorization server's metadata)
	 * @return the registration, also saved in the repository
	 * @throws McpOAuthClientException when the client cannot be registered there
	 */
	ClientRegistration forTarget(TokenEndpointTarget target) {
		String issuer = target.issuer().toString();
		Identity known = this.byIssuer.get(issuer);
		if (known != null && known.isUsableFor(target, this.clock)) {
			return known.registration();
		}
		synchronized (this) {
			known = this.byIssuer.get(issuer);
			if (known != null && known.isUsableFor(target, this.clock)) {
				return known.registration();
			}
			Identity identity = identity(target, (known != null && !known.hasExpired(this.clock)) ? known.dynamic() : null,
					known != null);
			this.byIssuer.put(issuer, identity);
			this.repository.save(identity.registration());
			return identity.registration();
		}
	}

	private Identity identity(TokenEndpointTarget target, DynamicClientRegistration.Registered current,
			boolean replacing) {
		AuthorizationServer server = target.authorizationServer();
		AuthorizationCode settings = this.registration.getAuthorizationCode();
		if (server == null || server.authorizationEndpoint() == null) {
			throw new McpOAuthClientException(this.name, "unsupported_authorization_server",
					"The authorization server " + target.issuer() + " advertises no authorization_endpoint", 0);
		}
		ClientRegistration.Builder builder = ClientRegistration
			.withRegistrationId(registrationId(this.name, target.issuer(), target.resource()))
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(settings.getRedirectUri().toString())
			.authorizationUri(server.authorizationEndpoint().toString())
			.tokenUri(target.tokenEndpoint().toString())
			.issuerUri(target.issuer().toString())
			.clientName((settings.getClientName() != null) ? settings.getClientName() : this.name);
		if (this.registration.getClientId() != null) {
			return new Identity(builder.clientId(this.registration.getClientId())
				.clientSecret(this.registration.getClientSecret())
				.clientAuthenticationMethod(target.clientAuthentication())
				.build(), null, target.tokenEndpoint(), server.authorizationEndpoint());
		}
		URI document = settings.getClientIdMetadataDocument();
		if (document != null && server.clientIdMetadataDocumentSupported()) {
			return new Identity(builder.clientId(document.toString())
				.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
				.build(), null, target.tokenEndpoint(), server.authorizationEndpoint());
		}
		if (settings.isDynamicRegistration() && server.registrationEndpoint() != null) {
			DynamicClientRegistration.Registered registered = (current != null) ? current : register(server, settings);
			if (current == null) {
				logger.info("MCP registration '" + this.name + "': registered at " + server.issuer() + " as client '"
						+ registered.clientId() + "' (" + registered.method().getValue() + ")"
						+ (replacing ? ", replacing the registration whose secret expired" : ""));
			}
			return new Identity(builder.clientId(registered.clientId())
				.clientSecret(registered.clientSecret())
				.clientAuthenticationMethod(registered.method())
				.build(), registered, target.tokenEndpoint(), server.authorizationEndpoint());
		}
		throw new McpOAuthClientException(this.name, "no_client_registration", "The client has no identity at "
				+ target.issuer() + ": set mcp.oauth.client.registrations." + this.name + ".client-id (a pre-registered "
				+ "client), or authorization-code.client-id-metadata-document (the server "
				+ (server.clientIdMetadataDocumentSupported() ? "accepts" : "does not advertise") + " client ID metadata "
				+ "documents), or enable authorization-code.dynamic-registration (the server has "
				+ ((server.registrationEndpoint() != null) ? "a" : "no") + " registration_endpoint)", 0);
	}

	private DynamicClientRegistration.Registered register(AuthorizationServer server, AuthorizationCode settings) {
		boolean web = settings.getApplicationType() == dev.mcpoauth.client.McpOAuthClientProperties.ApplicationType.WEB;
		String method = DynamicClientRegistration.method(server.tokenEndpointAuthMethods(), web);
		if (method == null) {
			throw new McpOAuthClientException(this.name, "no_client_registration", "The authorization server "
					+ server.issuer() + " accepts only " + server.tokenEndpointAuthMethods() + " at its token endpoint; "
					+ "a dynamically registered client can use " + DynamicClientRegistration.METHODS, 0);
		}
		List<String> grantTypes = new ArrayList<>(List.of("authorization_code"));
		if (server.grantTypes().contains("refresh_token")) {
			grantTypes.add("refresh_token");
		}
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("client_name", (settings.getClientName() != null) ? settings.getClientName() : this.name);
		metadata.put("redirect_uris", List.of(settings.getRedirectUri().toString()));
		metadata.put("grant_types", grantTypes);
		metadata.put("response_types", List.of("code"));
		metadata.put("token_endpoint_auth_method", method);
		metadata.put("application_type", settings.getApplicationType().value());
		return this.dynamicRegistration.register(server.registrationEndpoint(), metadata);
	}

	/**
	 * The client at one authorization server, with the endpoints it was made for.
	 */
	private record Identity(ClientRegistration registration, DynamicClientRegistration.Registered dynamic,
			URI tokenEndpoint, URI authorizationEndpoint) {

		boolean isUsableFor(TokenEndpointTarget target, Clock clock) {
			boolean sameEndpoints = this.tokenEndpoint.equals(target.tokenEndpoint()) && target.authorizationServer() != null
					&& this.authorizationEndpoint.equals(target.authorizationServer().authorizationEndpoint());
			return sameEndpoints && !hasExpired(clock);
		}

		/** Whether it is a dynamic registration whose secret has expired. */
		boolean hasExpired(Clock clock) {
			return this.dynamic != null && this.dynamic.secretExpiresAt() != null
					&& !clock.instant().isBefore(this.dynamic.secretExpiresAt());
		}

		@Override
		public String toString() {
			return "Identity[" + this.registration.getRegistrationId() + "]";
		}

	}

}
