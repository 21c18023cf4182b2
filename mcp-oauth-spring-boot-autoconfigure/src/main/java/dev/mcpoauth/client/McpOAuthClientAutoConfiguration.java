package dev.mcpoauth.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.authorizationcode.AuthorizationCodeState;
import dev.mcpoauth.client.authorizationcode.AuthorizationCodeTokenClients;
import dev.mcpoauth.client.authorizationcode.AuthorizationCodeUserAgent;
import dev.mcpoauth.client.authorizationcode.ClientIdMetadataDocumentFilter;
import dev.mcpoauth.client.authorizationcode.ClientIdMetadataDocuments;
import dev.mcpoauth.client.authorizationcode.HeadlessAuthorizationCodeUserAgent;
import dev.mcpoauth.client.authorizationcode.McpAuthorizedClientServiceFactory;
import dev.mcpoauth.client.authorizationcode.McpOAuthClientWebSecurity;
import dev.mcpoauth.client.authorizationcode.ResourceOwnerKey;
import dev.mcpoauth.client.authorizationcode.WebAuthorizationCodeUserAgent;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.dpop.DPoPProofs;
import dev.mcpoauth.client.token.AssertionSigningKey;
import dev.mcpoauth.client.token.ClientAssertionFactory;
import dev.mcpoauth.client.token.ClientCredentialsTokenClient;
import dev.mcpoauth.client.token.CrossAppAccessTokenClient;
import dev.mcpoauth.client.token.FileWorkloadIdentityTokenSource;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;
import dev.mcpoauth.client.token.WorkloadIdentityTokenClient;
import dev.mcpoauth.client.token.WorkloadIdentityTokenSource;
import dev.mcpoauth.client.transport.SpringAiMcpClientAuthorization;
import dev.mcpoauth.client.transport.SpringAiMcpSseClientAuthorization;
import dev.mcpoauth.client.transport.SpringAiMcpSyncClientAuthorization;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import dev.mcpoauth.discovery.HttpsPolicy;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.util.Utils;

import org.springframework.ai.mcp.customizer.McpClientCustomizer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationCodeGrantFilter;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * Gets and attaches access tokens for the MCP servers under {@code mcp.oauth.client.registrations}: discovery from
 * the server's 401 (RFC 9728, then RFC 8414 / OpenID Connect), the client credentials grant with
 * {@code client_secret_basic}, {@code client_secret_post} or {@code private_key_jwt}, SEP-990 cross-app access, and
 * the user-delegated authorization code flow with PKCE (through the {@link AuthorizationCodeUserAgent} bean),
 * workload identity federation (a platform-issued JWT with the JWT bearer grant, from the
 * {@link WorkloadIdentityTokenSource} bean); DPoP-bound tokens per registration ({@code dpop.enabled});
 * RFC 8707 {@code resource} on every token request; cached tokens, replay after 401 and step-up after 403. Plugs
 * into Spring AI's MCP client by connection name, and into the MCP Java SDK and {@code RestClient} through
 * {@link McpOAuthClients}. Each bean backs off when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass(ClientRegistration.class)
@EnableConfigurationProperties(McpOAuthClientProperties.class)
public final class McpOAuthClientAutoConfiguration {

	private static final String ASSERTION_FACTORY_BEAN = "mcpOAuthClientAssertionFactory";

	private static final String WORKLOAD_TOKEN_SOURCE_BEAN = "mcpOAuthWorkloadIdentityTokenSource";

	private final McpOAuthClientProperties properties;

	private final Map<String, AssertionSigningKey> assertionKeys;

	McpOAuthClientAutoConfiguration(McpOAuthClientProperties properties, ListableBeanFactory beans) {
		this.assertionKeys = McpOAuthClientPropertiesValidator.validate(properties,
				isDeclaredByTheApplication(beans, ClientAssertionFactory.class, ASSERTION_FACTORY_BEAN),
				isDeclaredByTheApplication(beans, WorkloadIdentityTokenSource.class, WORKLOAD_TOKEN_SOURCE_BEAN));
		this.properties = properties;
	}

	/** Whether the application declares its own bean of a type this configuration would otherwise define. */
	private static boolean isDeclaredByTheApplication(ListableBeanFactory beans, Class<?> type, String ownBean) {
		String[] names = beans.getBeanNamesForType(type, false, false);
		return names.length > 0 && !Arrays.asList(names).contains(ownBean);
	}

	@Bean(WORKLOAD_TOKEN_SOURCE_BEAN)
	@ConditionalOnMissingBean
	WorkloadIdentityTokenSource mcpOAuthWorkloadIdentityTokenSource() {
		Map<String, Path> files = new LinkedHashMap<>();
		this.properties.getRegistrations().forEach((name, registration) -> {
			if (registration.getWorkloadIdentity().getTokenFile() != null) {
				files.put(name, registration.getWorkloadIdentity().getTokenFile());
			}
		});
		return new FileWorkloadIdentityTokenSource(files);
	}

	@Bean(ASSERTION_FACTORY_BEAN)
	@ConditionalOnMissingBean
	ClientAssertionFactory mcpOAuthClientAssertionFactory() {
		return new NimbusClientAssertionFactory(this.assertionKeys, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	IdTokenResolver mcpOAuthIdTokenResolver() {
		return new SecurityContextIdTokenResolver();
	}

	@Bean
	@ConditionalOnMissingBean
	AuthorizationCodeUserAgent mcpOAuthAuthorizationCodeUserAgent() {
		return new HeadlessAuthorizationCodeUserAgent(this.properties.getConnectTimeout(),
				this.properties.getReadTimeout());
	}

	/**
	 * Whether each registration's authorization server answered its last request, for the health check.
	 */
	@Bean
	@ConditionalOnMissingBean
	AuthorizationServerStatuses mcpOAuthAuthorizationServerStatuses() {
		return new AuthorizationServerStatuses(Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	AuthorizationCodeState mcpOAuthAuthorizationCodeState(
			ObjectProvider<McpAuthorizedClientServiceFactory> tokenStores,
			ObjectProvider<ResourceOwnerKey> resourceOwnerKeys) {
		return new AuthorizationCodeState(tokenStores.getIfAvailable(() -> InMemoryOAuth2AuthorizedClientService::new),
				Clock.systemUTC(), resourceOwnerKeys.getIfAvailable(ResourceOwnerKey::typeAndName));
	}

	@Bean
	@ConditionalOnMissingBean
	McpOAuthClients mcpOAuthClients(ClientAssertionFactory assertions, IdTokenResolver idTokens,
			AuthorizationCodeUserAgent userAgent, AuthorizationCodeState authorizationCodeState,
			WorkloadIdentityTokenSource workloadTokens, AuthorizationServerStatuses statuses,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		ObservationRegistry observations = observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP);
		BoundedResourceRetriever retriever = new BoundedResourceRetriever(this.properties.getConnectTimeout(),
				this.properties.getReadTimeout(), 256 * 1024);
		McpServerDiscovery discovery = new McpServerDiscovery(retriever,
				new HttpsPolicy(this.properties.isAllowInsecureHttp()));
		Map<String, McpAuthorization> authorizations = new LinkedHashMap<>();
		this.properties.getRegistrations().forEach((name, registration) -> {
			DPoPProofs dpop = registration.getDpop().isEnabled()
					? new DPoPProofs(name, registration.getDpop().getAlgorithm()) : null;
			TokenEndpoints endpoints = new TokenEndpoints(name, registration, assertions, dpop,
					this.properties.getConnectTimeout(), this.properties.getReadTimeout(), statuses.status(name),
					observations);
			AuthorizationCodeTokenClients authorizationCode = (registration.getFlow() == Flow.AUTHORIZATION_CODE)
					? new AuthorizationCodeTokenClients(endpoints, userAgent, authorizationCodeState,
							this.properties.getConnectTimeout(), this.properties.getReadTimeout(),
							this.properties.getExpiryMargin(), Clock.systemUTC())
					: null;
			authorizations.put(name, new McpAuthorization(name, registration, discovery,
					(target) -> tokenClient(endpoints, registration, target, discovery, authorizationCode, workloadTokens),
					idTokens, userAgent, dpop, this.properties.getExpiryMargin(), Clock.systemUTC()));
		});
		return new McpOAuthClients(authorizations, this.properties.getMaxStepUps(),
				authorizationCodeState.clientRegistrations());
	}

	private McpTokenClient tokenClient(TokenEndpoints endpoints, Registration registration,
			TokenEndpointTarget target, McpServerDiscovery discovery, AuthorizationCodeTokenClients authorizationCode,
			WorkloadIdentityTokenSource workloadTokens) {
		if (registration.getFlow() == Flow.CLIENT_CREDENTIALS) {
			return new ClientCredentialsTokenClient(endpoints, target);
		}
		if (registration.getFlow() == Flow.WORKLOAD_IDENTITY) {
			return new WorkloadIdentityTokenClient(endpoints, target, workloadTokens);
		}
		if (registration.getFlow() == Flow.AUTHORIZATION_CODE) {
			return authorizationCode.create(target);
		}
		McpOAuthClientProperties.CrossAppAccess idp = registration.getCrossAppAccess();
		URI idpTokenUri = (idp.getIdpTokenUri() != null) ? idp.getIdpTokenUri()
				: discovery.authorizationServer(idp.getIdpIssuerUri()).tokenEndpoint();
		return new CrossAppAccessTokenClient(endpoints, target, idpTokenUri, this.properties.getConnectTimeout(),
				this.properties.getReadTimeout());
	}

	/**
	 * In a servlet web application with Spring Security's web and OAuth2 client filters, the authorization code flow
	 * is for the signed-in user, whose browser is sent to the authorization server: the
	 * {@link WebAuthorizationCodeUserAgent} (in place of the headless one), and the redirect and callback filters that
	 * the application adds to its own chain with {@link McpOAuthClientWebSecurity#applyTo}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ HttpSecurity.class, OAuth2AuthorizationCodeGrantFilter.class })
	static class WebAuthorizationCodeConfiguration {

		private static final URI DEFAULT_REDIRECT_URI = new McpOAuthClientProperties.AuthorizationCode()
			.getRedirectUri();

		@Bean
		@ConditionalOnMissingBean
		AuthorizationCodeUserAgent mcpOAuthWebAuthorizationCodeUserAgent(
				AuthorizationCodeState authorizationCodeState, McpOAuthClientProperties properties) {
			checkRedirectUris(properties);
			return new WebAuthorizationCodeUserAgent(authorizationCodeState);
		}

		/**
		 * The web front end sends the signed-in user's browser to the authorization server, which answers at the
		 * registration's {@code redirect-uri}: that must be the application's own callback, so not the headless
		 * client's default loopback one (whatever listens on the user's own machine would get the code), and one per
		 * registration, since the session's saved request decides whose answer it is, and an answer without RFC 9207
		 * {@code iss} on a shared one could be exchanged at another registration's authorization server (mix-up,
		 * RFC 9700 section 4.4.2).
		 */
		static void checkRedirectUris(McpOAuthClientProperties properties) {
			Map<String, String> callbacks = new LinkedHashMap<>();
			properties.getRegistrations().forEach((name, registration) -> {
				if (registration.getFlow() != Flow.AUTHORIZATION_CODE) {
					return;
				}
				String property = "mcp.oauth.client.registrations." + name + ".authorization-code.redirect-uri";
				URI redirect = registration.getAuthorizationCode().getRedirectUri();
				if (redirect == null || DEFAULT_REDIRECT_URI.equals(redirect)) {
					throw new IllegalStateException(property + " is the default loopback " + DEFAULT_REDIRECT_URI
							+ ", but this servlet web application sends its signed-in users' browsers to the "
							+ "authorization server (WebAuthorizationCodeUserAgent): set it to this application's own "
							+ "callback URL, e.g. https://app.example/mcp-oauth/callback/" + name
							+ ", one per registration");
				}
				String callback = String.valueOf(redirect.getHost()).toLowerCase(java.util.Locale.ROOT) + " "
						+ ((redirect.getRawPath() == null || redirect.getRawPath().isEmpty()) ? "/"
								: redirect.getRawPath());
				String other = callbacks.putIfAbsent(callback, name);
				if (other != null) {
					throw new IllegalStateException(property + " (" + redirect + ") has the host and path of "
							+ "registration '" + other + "''s redirect-uri: the web front end needs a redirect-uri of "
							+ "its own per authorization-code registration, so that an answer is never taken for "
							+ "another authorization server's (mix-up, RFC 9700 section 4.4.2); give each a path of "
							+ "its own, e.g. https://app.example/mcp-oauth/callback/" + name);
				}
			});
		}

		@Bean
		@ConditionalOnMissingBean
		McpOAuthClientWebSecurity mcpOAuthClientWebSecurity(AuthorizationCodeState authorizationCodeState,
				McpOAuthClientProperties properties) {
			return new McpOAuthClientWebSecurity(authorizationCodeState, properties.getRegistrations()
				.values()
				.stream()
				.filter((registration) -> registration.getFlow() == Flow.AUTHORIZATION_CODE)
				.map((registration) -> registration.getAuthorizationCode().getRedirectUri())
				.toList());
		}

	}

	/**
	 * A servlet web application serves the Client ID Metadata Documents of its authorization-code registrations at
	 * the path of their URL.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ FilterRegistrationBean.class, jakarta.servlet.Filter.class })
	static class ClientIdMetadataDocumentConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "mcpOAuthClientIdMetadataDocumentFilter")
		FilterRegistrationBean<ClientIdMetadataDocumentFilter> mcpOAuthClientIdMetadataDocumentFilter(
				McpOAuthClientProperties properties) {
			ClientIdMetadataDocuments documents = ClientIdMetadataDocuments.of(properties);
			FilterRegistrationBean<ClientIdMetadataDocumentFilter> registration = new FilterRegistrationBean<>(
					new ClientIdMetadataDocumentFilter(documents));
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
			registration.setEnabled(!documents.isEmpty());
			return registration;
		}

	}

	/**
	 * Spring AI's MCP client: each connection gets the registration of the same name, and must send its requests
	 * under the registration's {@code server-url}, the only place its token goes.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ McpClientCustomizer.class, HttpClientStreamableHttpTransport.class })
	static class SpringAiConfiguration {

		static final String CONNECTIONS = "spring.ai.mcp.client.streamable-http.connections";

		static final String SSE_CONNECTIONS = "spring.ai.mcp.client.sse.connections";

		private static final Log logger = LogFactory.getLog(McpOAuthClientAutoConfiguration.class);

		@Bean
		@ConditionalOnMissingBean
		SpringAiMcpClientAuthorization mcpOAuthSpringAiMcpClientCustomizer(McpOAuthClients clients,
				McpOAuthClientProperties properties, Environment environment) {
			Set<String> connections = new LinkedHashSet<>(
					checkedConnections(CONNECTIONS, Connection.class, properties, environment));
			connections.addAll(bind(SSE_CONNECTIONS, SseConnection.class, environment).keySet());
			reportUnpaired(properties.getRegistrations().keySet(), connections);
			return new SpringAiMcpClientAuthorization(clients);
		}

		@Bean
		@ConditionalOnMissingBean
		SpringAiMcpSseClientAuthorization mcpOAuthSpringAiMcpSseClientCustomizer(McpOAuthClients clients,
				McpOAuthClientProperties properties, Environment environment) {
			checkedConnections(SSE_CONNECTIONS, SseConnection.class, properties, environment);
			return new SpringAiMcpSseClientAuthorization(clients);
		}

		/**
		 * Says at start-up which registrations have no Spring AI connection of the same name (used only through
		 * {@link McpOAuthClients}, or misnamed) and which connections have no registration (their requests carry no
		 * token): a name that differs by one letter would otherwise fail only at the first call.
		 */
		private static void reportUnpaired(Set<String> registrations, Set<String> connections) {
			registrations.stream().filter((name) -> !connections.contains(name)).forEach((name) -> logger.warn(
					"MCP registration '" + name + "' has no Spring AI connection of the same name under " + CONNECTIONS
							+ " or " + SSE_CONNECTIONS
							+ ": it is used only where the application asks McpOAuthClients for it"));
			connections.stream().filter((name) -> !registrations.contains(name)).forEach((name) -> logger.warn(
					"Spring AI MCP connection '" + name + "' has no registration under mcp.oauth.client.registrations"
							+ ": its requests carry no access token"));
		}

		@Bean
		@ConditionalOnMissingBean
		SpringAiMcpSyncClientAuthorization mcpOAuthSpringAiMcpSyncClientCustomizer(McpOAuthClients clients) {
			return new SpringAiMcpSyncClientAuthorization(clients);
		}

		/**
		 * The names of Spring AI's connections under a prefix, after checking that each one with a registration of
		 * the same name sends its requests under that registration's {@code server-url}.
		 */
		private static <C extends SpringAiConnection> Set<String> checkedConnections(String prefix, Class<C> type,
				McpOAuthClientProperties properties, Environment environment) {
			Map<String, C> connections = bind(prefix, type, environment);
			properties.getRegistrations().forEach((name, registration) -> {
				C connection = connections.get(name);
				if (connection != null && connection.url() != null) {
					checkConnection(prefix, name, connection.url(), connection.path(), registration.getServerUrl());
				}
			});
			return connections.keySet();
		}

		private static <C> Map<String, C> bind(String prefix, Class<C> type, Environment environment) {
			return Binder.get(environment).bind(prefix, Bindable.mapOf(String.class, type)).orElse(Map.of());
		}

		/** The connection's MCP endpoint, resolved as the SDK resolves it, must be under the server-url. */
		private static void checkConnection(String prefix, String name, String url, String endpoint, URI serverUrl) {
			URI target;
			try {
				target = Utils.resolveUri(URI.create(url), endpoint);
			}
			catch (IllegalArgumentException ex) {
				target = null;
			}
			if (target == null || !new ServerUrlScope(serverUrl).covers(target)) {
				throw new InvalidConfigurationPropertyValueException(prefix + "." + name + ".url", url,
						"The connection's MCP endpoint (url " + url + " with endpoint " + endpoint + ": "
								+ ((target != null) ? target : "not a URL") + ") is not under "
								+ "mcp.oauth.client.registrations." + name + ".server-url (" + serverUrl
								+ "), so its requests would go without the registration's token; make url and "
								+ "endpoint name the server-url, or correct the server-url");
			}
		}

		/** A Spring AI connection: its base URL and the path its transport opens there. */
		interface SpringAiConnection {

			String url();

			String path();

		}

		/** A Spring AI streamable HTTP connection, bound as Spring AI binds it (its endpoint defaults to /mcp). */
		record Connection(String url, String endpoint) implements SpringAiConnection {

			@Override
			public String path() {
				return (this.endpoint != null) ? this.endpoint : "/mcp";
			}

		}

		/** A Spring AI SSE connection, bound as Spring AI binds it (its SSE endpoint defaults to /sse). */
		record SseConnection(String url, String sseEndpoint) implements SpringAiConnection {

			@Override
			public String path() {
				return (this.sseEndpoint != null) ? this.sseEndpoint : "/sse";
			}

		}

	}

}
