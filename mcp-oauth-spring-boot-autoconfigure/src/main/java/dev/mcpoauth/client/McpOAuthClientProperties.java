package dev.mcpoauth.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The MCP servers this application calls and how it gets access tokens for them. Each registration's name is
 * also the name of the Spring AI MCP client connection it applies to
 * ({@code spring.ai.mcp.client.streamable-http.connections.<name>}).
 */
@ConfigurationProperties("mcp.oauth.client")
public class McpOAuthClientProperties {

	/**
	 * The MCP servers to call, by registration name.
	 */
	private Map<String, Registration> registrations = new LinkedHashMap<>();

	/**
	 * Whether discovery and token endpoints may use plain http on hosts other than loopback. Keep false outside
	 * closed test networks.
	 */
	private boolean allowInsecureHttp;

	/**
	 * A cached token is used until this long before it expires.
	 */
	private Duration expiryMargin = Duration.ofSeconds(30);

	/**
	 * How many times a request is replayed with a wider scope after 403 insufficient_scope.
	 */
	private int maxStepUps = 2;

	/**
	 * Connect timeout of discovery and token requests.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Read timeout of discovery and token requests.
	 */
	private Duration readTimeout = Duration.ofSeconds(10);

	public Map<String, Registration> getRegistrations() {
		return this.registrations;
	}

	public void setRegistrations(Map<String, Registration> registrations) {
		this.registrations = registrations;
	}

	public boolean isAllowInsecureHttp() {
		return this.allowInsecureHttp;
	}

	public void setAllowInsecureHttp(boolean allowInsecureHttp) {
		this.allowInsecureHttp = allowInsecureHttp;
	}

	public Duration getExpiryMargin() {
		return this.expiryMargin;
	}

	public void setExpiryMargin(Duration expiryMargin) {
		this.expiryMargin = expiryMargin;
	}

	public int getMaxStepUps() {
		return this.maxStepUps;
	}

	public void setMaxStepUps(int maxStepUps) {
		this.maxStepUps = maxStepUps;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	/**
	 * How tokens are obtained.
	 */
	public enum Flow {

		/** OAuth 2.0 client credentials grant (SEP-1046). */
		CLIENT_CREDENTIALS,

		/** Enterprise-managed authorization, SEP-990: ID token to ID-JAG at the IdP, then JWT bearer grant. */
		CROSS_APP_ACCESS,

		/**
		 * User-delegated: the authorization code grant with PKCE (S256), the resource owner approving through the
		 * {@code AuthorizationCodeUserAgent} bean; refresh tokens used before expiry.
		 */
		AUTHORIZATION_CODE,

		/**
		 * Workload identity federation (SEP-1933): a JWT the platform issued to this workload (a Kubernetes projected
		 * service account token, a cloud identity token) presented with the RFC 7523 JWT bearer grant.
		 */
		WORKLOAD_IDENTITY

	}

	/**
	 * One MCP server and the client's credentials at its authorization server.
	 */
	public static class Registration extends ClientAuthenticationProperties {

		/**
		 * URL of the MCP endpoint, e.g. https://mcp.example.com/mcp. Discovery starts here, and it is the RFC 8707
		 * 'resource' of every token request.
		 */
		private URI serverUrl;

		/**
		 * How tokens are obtained.
		 */
		private Flow flow = Flow.CLIENT_CREDENTIALS;

		/**
		 * Scopes to request when the server's challenge names none (instead of the scopes_supported of the MCP
		 * server's Protected Resource Metadata).
		 */
		private List<String> scopes = new ArrayList<>();

		/**
		 * Issuer of the MCP server's authorization server; skips Protected Resource Metadata discovery.
		 */
		private URI issuerUri;

		/**
		 * Token endpoint of the MCP server's authorization server; skips all discovery (then the issuer-uri is the
		 * audience of client assertions and ID-JAGs).
		 */
		private URI tokenUri;

		/**
		 * Whether token requests carry the RFC 8707 'resource' parameter. Keep true; switch off only for an
		 * authorization server that refuses it (Entra ID's v2 endpoint).
		 */
		private boolean sendResourceParameter = true;

		/**
		 * Extra form parameters of every token request to the MCP server's authorization server, e.g.
		 * 'audience' for Auth0.
		 */
		private Map<String, String> tokenRequestParameters = new LinkedHashMap<>();

		/**
		 * Settings of the cross-app-access flow.
		 */
		private final CrossAppAccess crossAppAccess = new CrossAppAccess();

		/**
		 * Settings of the authorization-code flow.
		 */
		private final AuthorizationCode authorizationCode = new AuthorizationCode();

		/**
		 * Settings of the workload-identity flow.
		 */
		private final WorkloadIdentity workloadIdentity = new WorkloadIdentity();

		/**
		 * DPoP (RFC 9449): sender-constrained tokens for this registration.
		 */
		private final Dpop dpop = new Dpop();

		public WorkloadIdentity getWorkloadIdentity() {
			return this.workloadIdentity;
		}

		public Dpop getDpop() {
			return this.dpop;
		}

		public AuthorizationCode getAuthorizationCode() {
			return this.authorizationCode;
		}

		public boolean isSendResourceParameter() {
			return this.sendResourceParameter;
		}

		public void setSendResourceParameter(boolean sendResourceParameter) {
			this.sendResourceParameter = sendResourceParameter;
		}

		public Map<String, String> getTokenRequestParameters() {
			return this.tokenRequestParameters;
		}

		public void setTokenRequestParameters(Map<String, String> tokenRequestParameters) {
			this.tokenRequestParameters = tokenRequestParameters;
		}

		public URI getServerUrl() {
			return this.serverUrl;
		}

		public void setServerUrl(URI serverUrl) {
			this.serverUrl = serverUrl;
		}

		public Flow getFlow() {
			return this.flow;
		}

		public void setFlow(Flow flow) {
			this.flow = flow;
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

		public URI getIssuerUri() {
			return this.issuerUri;
		}

		public void setIssuerUri(URI issuerUri) {
			this.issuerUri = issuerUri;
		}

		public URI getTokenUri() {
			return this.tokenUri;
		}

		public void setTokenUri(URI tokenUri) {
			this.tokenUri = tokenUri;
		}

		public CrossAppAccess getCrossAppAccess() {
			return this.crossAppAccess;
		}

		@Override
		public String toString() {
			return "Registration[serverUrl=" + this.serverUrl + ", flow=" + this.flow + ", clientId=" + getClientId()
					+ "]";
		}

	}

	/**
	 * How the client registers at the authorization server, and where the resource owner's approval comes back, in
	 * the authorization-code flow.
	 */
	public static class AuthorizationCode {

		/**
		 * Where the authorization server sends the resource owner back with the code: a loopback URL for a headless
		 * or native client (RFC 8252), the application's own callback for a web application. Compared exactly with
		 * where the authorization server redirects.
		 */
		private URI redirectUri = URI.create("http://127.0.0.1/mcp-oauth/callback");

		/**
		 * URL of this client's Client ID Metadata Document (an https URL with a path), used as the client_id at
		 * authorization servers that advertise client_id_metadata_document_supported. The document must be served
		 * at this URL.
		 */
		private URI clientIdMetadataDocument;

		/**
		 * Whether the client registers itself (RFC 7591) at an authorization server that has a
		 * registration_endpoint, when no client-id is set and no client ID metadata document can be used. Each
		 * authorization server gets its own registration, kept in memory.
		 */
		private boolean dynamicRegistration = true;

		/**
		 * The application_type sent with dynamic client registration: native (a headless, desktop or command-line
		 * client, loopback redirect) or web.
		 */
		private ApplicationType applicationType = ApplicationType.NATIVE;

		/**
		 * The client_name sent with dynamic client registration; defaults to the registration name.
		 */
		private String clientName;

		/**
		 * Whether to ask for offline_access (a refresh token) when the authorization server lists it in
		 * scopes_supported. It is never asked for otherwise.
		 */
		private boolean requestOfflineAccess = true;

		public URI getRedirectUri() {
			return this.redirectUri;
		}

		public void setRedirectUri(URI redirectUri) {
			this.redirectUri = redirectUri;
		}

		public URI getClientIdMetadataDocument() {
			return this.clientIdMetadataDocument;
		}

		public void setClientIdMetadataDocument(URI clientIdMetadataDocument) {
			this.clientIdMetadataDocument = clientIdMetadataDocument;
		}

		public boolean isDynamicRegistration() {
			return this.dynamicRegistration;
		}

		public void setDynamicRegistration(boolean dynamicRegistration) {
			this.dynamicRegistration = dynamicRegistration;
		}

		public ApplicationType getApplicationType() {
			return this.applicationType;
		}

		public void setApplicationType(ApplicationType applicationType) {
			this.applicationType = applicationType;
		}

		public String getClientName() {
			return this.clientName;
		}

		public void setClientName(String clientName) {
			this.clientName = clientName;
		}

		public boolean isRequestOfflineAccess() {
			return this.requestOfflineAccess;
		}

		public void setRequestOfflineAccess(boolean requestOfflineAccess) {
			this.requestOfflineAccess = requestOfflineAccess;
		}

		@Override
		public String toString() {
			return "AuthorizationCode[redirectUri=" + this.redirectUri + ", clientIdMetadataDocument="
					+ this.clientIdMetadataDocument + ", dynamicRegistration=" + this.dynamicRegistration + "]";
		}

	}

	/**
	 * Where the workload-identity flow finds the platform-issued JWT it presents.
	 */
	public static class WorkloadIdentity {

		/**
		 * File holding the platform-issued JWT (e.g. a Kubernetes projected service account token, whose audience is
		 * the authorization server). Read again for every token request, so a token the platform rotates is picked
		 * up. Not needed when the application declares a WorkloadIdentityTokenSource bean.
		 */
		private Path tokenFile;

		public Path getTokenFile() {
			return this.tokenFile;
		}

		public void setTokenFile(Path tokenFile) {
			this.tokenFile = tokenFile;
		}

		@Override
		public String toString() {
			return "WorkloadIdentity[tokenFile=" + this.tokenFile + "]";
		}

	}

	/**
	 * DPoP (RFC 9449) for one registration: every token request carries a proof, the authorization server must
	 * answer with a DPoP-bound token (token_type DPoP, else the token is refused), and every request to the MCP
	 * server carries the token with the DPoP scheme and a fresh proof. The key pair is generated at run time, one per
	 * authorization server, and kept in memory only.
	 */
	public static class Dpop {

		/**
		 * Whether to ask for and present DPoP-bound access tokens.
		 */
		private boolean enabled;

		/**
		 * JWS algorithm of the proofs, and so the type of the generated key: ES256, ES384, ES512 (EC), PS256, PS384,
		 * PS512, RS256, RS384 or RS512 (RSA 2048).
		 */
		private String algorithm = "ES256";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(String algorithm) {
			this.algorithm = algorithm;
		}

		@Override
		public String toString() {
			return "Dpop[enabled=" + this.enabled + ", algorithm=" + this.algorithm + "]";
		}

	}

	/**
	 * The OAuth application type of a dynamically registered client (OpenID Connect Dynamic Client Registration,
	 * SEP-837).
	 */
	public enum ApplicationType {

		/** A native, desktop, command-line or headless client; loopback redirect URIs. */
		NATIVE,

		/** A web application, with an https redirect URI of its own. */
		WEB;

		/** @return the registration metadata value */
		public String value() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * The enterprise identity provider of the cross-app-access flow (SEP-990).
	 */
	public static class CrossAppAccess {

		/**
		 * Token endpoint of the enterprise identity provider, where the ID token is exchanged for an ID-JAG.
		 */
		private URI idpTokenUri;

		/**
		 * Issuer of the enterprise identity provider; its token endpoint is discovered when idp-token-uri is unset.
		 */
		private URI idpIssuerUri;

		/**
		 * The client's identifier at the identity provider.
		 */
		private String idpClientId;

		/**
		 * The client's secret at the identity provider.
		 */
		private String idpClientSecret;

		/**
		 * client_secret_basic, client_secret_post or none; defaults to client_secret_basic when a secret is set.
		 */
		private String idpClientAuthenticationMethod;

		public URI getIdpTokenUri() {
			return this.idpTokenUri;
		}

		public void setIdpTokenUri(URI idpTokenUri) {
			this.idpTokenUri = idpTokenUri;
		}

		public URI getIdpIssuerUri() {
			return this.idpIssuerUri;
		}

		public void setIdpIssuerUri(URI idpIssuerUri) {
			this.idpIssuerUri = idpIssuerUri;
		}

		public String getIdpClientId() {
			return this.idpClientId;
		}

		public void setIdpClientId(String idpClientId) {
			this.idpClientId = idpClientId;
		}

		public String getIdpClientSecret() {
			return this.idpClientSecret;
		}

		public void setIdpClientSecret(String idpClientSecret) {
			this.idpClientSecret = idpClientSecret;
		}

		public String getIdpClientAuthenticationMethod() {
			return this.idpClientAuthenticationMethod;
		}

		public void setIdpClientAuthenticationMethod(String idpClientAuthenticationMethod) {
			this.idpClientAuthenticationMethod = idpClientAuthenticationMethod;
		}

		@Override
		public String toString() {
			return "CrossAppAccess[idpTokenUri=" + this.idpTokenUri + ", idpIssuerUri=" + this.idpIssuerUri
					+ ", idpClientId=" + this.idpClientId + "]";
		}

	}

}
