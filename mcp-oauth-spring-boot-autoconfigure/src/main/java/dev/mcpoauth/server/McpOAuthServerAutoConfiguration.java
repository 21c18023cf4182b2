package dev.mcpoauth.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.client.token.AssertionSigningKey;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import dev.mcpoauth.discovery.HttpsPolicy;
import dev.mcpoauth.server.McpOAuthServerProperties.Introspection;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;
import dev.mcpoauth.server.challenge.ChallengeSchemes;
import dev.mcpoauth.server.dpop.DPoPMetadataCustomizer;
import dev.mcpoauth.server.introspection.CachingOpaqueTokenIntrospector;
import dev.mcpoauth.server.introspection.IntrospectedTokenRules;
import dev.mcpoauth.server.introspection.IntrospectionClientAuthentication;
import dev.mcpoauth.server.introspection.IntrospectionEndpoint;
import dev.mcpoauth.server.introspection.RemoteOpaqueTokenIntrospector;
import dev.mcpoauth.server.jwt.AccessTokenDecoders;
import dev.mcpoauth.server.jwt.InProcessAuthorizationServer;
import dev.mcpoauth.server.jwt.KeySetSources;
import dev.mcpoauth.server.metadata.ConfiguredMetadataCustomizer;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataCustomizer;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataDocuments;
import dev.mcpoauth.server.scope.ToolCallScopes;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * The MCP endpoint as an OAuth 2.1 resource server, following the MCP authorization specification, on either web
 * stack: what both share. It validates {@code mcp.oauth.server.*} and turns it into the protected resource
 * ({@link McpProtectedResource}), the access-token checks (JWTs verified locally, opaque tokens, or every token,
 * introspected when {@code introspection.client-id} is set; audience bound to this resource, RFC 8707), the RFC 9728
 * Protected Resource Metadata and the tool-scope decision; the security chain of the application's
 * stack comes from {@code dev.mcpoauth.server.web.McpOAuthServerWebSecurityAutoConfiguration} (servlet) or
 * {@code dev.mcpoauth.server.web.reactive.ReactiveMcpOAuthServerWebSecurityAutoConfiguration} (WebFlux). Each bean can
 * be replaced by a bean of the same name: {@value #JWT_DECODER_BEAN}, {@value #OPAQUE_TOKEN_INTROSPECTOR_BEAN},
 * {@value #ACCESS_TOKEN_AUTHENTICATOR_BEAN}, {@value #KEY_SETS_BEAN}, {@value #DPOP_REPLAY_CACHE_BEAN} (servlet, DPoP on), and on each stack
 * {@value #ENTRY_POINT_BEAN}, {@value #ACCESS_DENIED_HANDLER_BEAN}, {@value #SECURITY_FILTER_CHAIN_BEAN} (servlet)
 * or {@value #SECURITY_WEB_FILTER_CHAIN_BEAN} (WebFlux); add {@link ProtectedResourceMetadataCustomizer} beans to
 * change the metadata.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration" })
@ConditionalOnWebApplication
@ConditionalOnClass({ JwtDecoder.class, OAuth2ProtectedResourceMetadata.class })
@ConditionalOnMcpOAuthServer
@EnableConfigurationProperties(McpOAuthServerProperties.class)
public final class McpOAuthServerAutoConfiguration {

	/** Name of the access-token decoder bean. */
	public static final String JWT_DECODER_BEAN = "mcpOAuthJwtDecoder";

	/** Name of the bean that keeps the remote JWK Sets of the decoder ({@link KeySetSources}). */
	public static final String KEY_SETS_BEAN = "mcpOAuthKeySets";

	/** Name of the opaque-token introspector bean. */
	public static final String OPAQUE_TOKEN_INTROSPECTOR_BEAN = "mcpOAuthOpaqueTokenIntrospector";

	/** Name of the bean that authenticates access tokens (verified or introspected) and checks their audience. */
	public static final String ACCESS_TOKEN_AUTHENTICATOR_BEAN = "mcpOAuthAccessTokenAuthenticator";

	/**
	 * Name of the cache of used DPoP proofs (a Spring {@link Cache} with an atomic {@code putIfAbsent}, as
	 * {@link DPoPProofReplayValidator} uses it), present while DPoP is on; replace it with a shared one when several
	 * instances serve the endpoint.
	 */
	public static final String DPOP_REPLAY_CACHE_BEAN = "mcpOAuthDPoPReplayCache";

	/** Name of the 401 entry point bean ({@code AuthenticationEntryPoint} or {@code ServerAuthenticationEntryPoint}). */
	public static final String ENTRY_POINT_BEAN = "mcpOAuthAuthenticationEntryPoint";

	/** Name of the 403 handler bean ({@code AccessDeniedHandler} or {@code ServerAccessDeniedHandler}). */
	public static final String ACCESS_DENIED_HANDLER_BEAN = "mcpOAuthAccessDeniedHandler";

	/** Name of the security filter chain bean of a servlet application. */
	public static final String SECURITY_FILTER_CHAIN_BEAN = "mcpOAuthSecurityFilterChain";

	/** Name of the security web filter chain bean of a WebFlux application. */
	public static final String SECURITY_WEB_FILTER_CHAIN_BEAN = "mcpOAuthSecurityWebFilterChain";

	/**
	 * Name of the chain that keeps the other paths of a WebFlux application closed when the application declares no
	 * chain of its own (WebFlux drops its default chain as soon as any chain exists).
	 */
	public static final String OTHER_PATHS_SECURITY_WEB_FILTER_CHAIN_BEAN = "mcpOAuthOtherPathsSecurityWebFilterChain";

	/** Name of the metadata bean. */
	public static final String METADATA_BEAN = "mcpOAuthProtectedResourceMetadata";

	/** Name of the tool-scope decision bean. */
	public static final String TOOL_CALL_SCOPES_BEAN = "mcpOAuthToolCallScopes";

	/**
	 * Order of the chain: ahead of application chains without an explicit order, which usually match any request.
	 */
	public static final int SECURITY_FILTER_CHAIN_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final Log logger = LogFactory.getLog(McpOAuthServerAutoConfiguration.class);

	/** The largest authorization server metadata document read when discovering the introspection endpoint. */
	private static final int METADATA_SIZE_LIMIT = 256 * 1024;

	private final McpOAuthServerProperties properties;

	McpOAuthServerAutoConfiguration(McpOAuthServerProperties properties, ResourceLoader resourceLoader) {
		McpOAuthServerPropertiesValidator.validate(properties, resourceLoader.getClassLoader());
		if (properties.getResource() == null && properties.getAudiences().isEmpty()) {
			logger.warn("mcp.oauth.server.resource is not set: the resource identifier, and with it the accepted "
					+ "token audience, is derived from each request's host. Set it to the public URL of the MCP "
					+ "endpoint in production, so that a forged Host header cannot choose the audience.");
		}
		this.properties = properties;
	}

	@Bean
	@ConditionalOnMissingBean
	McpProtectedResource mcpProtectedResource(Environment environment) {
		return new McpProtectedResource(this.properties.getResource(),
				McpEndpoints.of(this.properties.getEndpoint(), environment, getClass().getClassLoader()));
	}

	@Bean
	StartupReport mcpOAuthStartupReport(McpOAuthServerProperties properties, McpProtectedResource resource,
			ListableBeanFactory beans) {
		return new StartupReport(properties, resource, beans);
	}

	/**
	 * The remote JWK Sets of the decoder, their fetches observed when an {@link ObservationRegistry} bean exists
	 * (Spring Boot Actuator), and their last outcome kept for the health check.
	 */
	@Bean(name = KEY_SETS_BEAN)
	@ConditionalOnMissingBean
	@Conditional(JwtVerificationCondition.class)
	KeySetSources mcpOAuthKeySets(ObjectProvider<ObservationRegistry> observationRegistry) {
		return new KeySetSources(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP), Clock.systemUTC());
	}

	@Bean(name = JWT_DECODER_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = JWT_DECODER_BEAN)
	@Conditional(JwtVerificationCondition.class)
	JwtDecoder mcpOAuthJwtDecoder(ObjectProvider<InProcessAuthorizationServer> inProcessAuthorizationServer,
			KeySetSources keySets) {
		InProcessAuthorizationServer local = inProcessAuthorizationServer.getIfUnique();
		return AccessTokenDecoders.create(this.properties, (local != null) ? local::keysFor : (issuer) -> null,
				keySets);
	}

	@Bean(name = OPAQUE_TOKEN_INTROSPECTOR_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = OPAQUE_TOKEN_INTROSPECTOR_BEAN)
	@Conditional(IntrospectionCondition.class)
	OpaqueTokenIntrospector mcpOAuthOpaqueTokenIntrospector(ObjectProvider<ObservationRegistry> observationRegistry) {
		Introspection introspection = this.properties.getIntrospection();
		Duration connectTimeout = introspection.getConnectTimeout();
		Duration timeout = introspection.getTimeout();
		Clock clock = Clock.systemUTC();
		IntrospectionEndpoint endpoint = (introspection.getEndpoint() != null)
				? IntrospectionEndpoint.of(introspection.getEndpoint())
				: IntrospectionEndpoint.discovered(this.properties.getIssuerUri(),
						new AuthorizationServerMetadataDiscovery(
								new BoundedResourceRetriever(connectTimeout, timeout, METADATA_SIZE_LIMIT)),
						new HttpsPolicy(this.properties.isAllowInsecureHttp()),
						this.properties.getJwks().getRefreshCooldown(), clock);
		IntrospectedTokenRules rules = new IntrospectedTokenRules(AccessTokenDecoders.trustedIssuers(this.properties),
				this.properties.getClockSkew(), clock);
		RemoteOpaqueTokenIntrospector remote = new RemoteOpaqueTokenIntrospector(endpoint,
				introspectionClientAuthentication(introspection, clock), rules, connectTimeout, timeout);
		remote.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		Introspection.Cache cache = introspection.getCache();
		return cache.getTtl().isZero() ? remote
				: new CachingOpaqueTokenIntrospector(remote, cache.getTtl(), cache.getMaxSize(), clock);
	}

	private IntrospectionClientAuthentication introspectionClientAuthentication(Introspection introspection,
			Clock clock) {
		String method = TokenSources.introspectionClientAuthenticationMethod(introspection);
		if (TokenSources.PRIVATE_KEY_JWT.equals(method)) {
			AssertionSigningKey key = AssertionSigningKey.loadConfigured("mcp.oauth.server.introspection.",
					introspection.getPrivateKeyLocation(), introspection.getKeyId(), introspection.getSigningAlgorithm());
			return IntrospectionClientAuthentication.privateKeyJwt(introspection.getClientId(),
					this.properties.getIssuerUri(), new NimbusClientAssertionFactory(
							Map.of(IntrospectionClientAuthentication.ASSERTION_REGISTRATION, key), clock),
					introspection.getAssertionLifetime());
		}
		if (TokenSources.CLIENT_SECRET_BASIC.equals(method)) {
			return IntrospectionClientAuthentication.clientSecretBasic(introspection.getClientId(),
					introspection.getClientSecret());
		}
		return IntrospectionClientAuthentication.clientSecretPost(introspection.getClientId(),
				introspection.getClientSecret());
	}

	@Bean(name = ACCESS_TOKEN_AUTHENTICATOR_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = ACCESS_TOKEN_AUTHENTICATOR_BEAN)
	AccessTokenAuthenticator mcpOAuthAccessTokenAuthenticator(
			@Qualifier(JWT_DECODER_BEAN) ObjectProvider<JwtDecoder> decoder,
			@Qualifier(OPAQUE_TOKEN_INTROSPECTOR_BEAN) ObjectProvider<OpaqueTokenIntrospector> introspector,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		AccessTokenAuthenticator authenticator = new AccessTokenAuthenticator(
				TokenSources.verifiesJwtsLocally(this.properties) ? decoder.getObject() : null,
				ScopeAuthoritiesConverter.authenticationConverter(),
				TokenSources.introspects(this.properties) ? introspector.getObject() : null,
				this.properties.getAudiences(), this.properties.audiencesByIssuer());
		authenticator.setObservationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
		return authenticator;
	}

	@Bean(name = METADATA_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = METADATA_BEAN)
	ProtectedResourceMetadataDocuments mcpOAuthProtectedResourceMetadata(McpProtectedResource resource,
			ObjectProvider<ProtectedResourceMetadataCustomizer> metadataCustomizers) {
		ConfiguredMetadataCustomizer configured = new ConfiguredMetadataCustomizer(this.properties);
		McpOAuthServerProperties.Dpop dpop = this.properties.getDpop();
		DPoPMetadataCustomizer dpopMetadata = isOn(dpop)
				? new DPoPMetadataCustomizer(dpop.getAlgorithms(), dpop.isRequired()) : null;
		return new ProtectedResourceMetadataDocuments(resource, (builder) -> {
			configured.customize(builder);
			if (dpopMetadata != null) {
				dpopMetadata.customize(builder);
			}
			metadataCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		});
	}

	@Bean(name = TOOL_CALL_SCOPES_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = TOOL_CALL_SCOPES_BEAN)
	ToolCallScopes mcpOAuthToolCallScopes() {
		return new ToolCallScopes(this.properties.getRequiredScopes(), this.properties.getToolScopes());
	}

	/**
	 * Whether DPoP is on.
	 * @param dpop the DPoP properties
	 * @return whether {@code enabled} or {@code required} is set
	 */
	public static boolean isOn(McpOAuthServerProperties.Dpop dpop) {
		return dpop.isEnabled() || dpop.isRequired();
	}

	/**
	 * The schemes the endpoint's challenges name.
	 * @param properties the server properties
	 * @return {@code Bearer}, with {@code DPoP} when it is on, or {@code DPoP} alone when it is required
	 */
	public static ChallengeSchemes challengeSchemes(McpOAuthServerProperties properties) {
		McpOAuthServerProperties.Dpop dpop = properties.getDpop();
		return isOn(dpop) ? ChallengeSchemes.withDPoP(!dpop.isRequired(), dpop.getAlgorithms())
				: ChallengeSchemes.bearerOnly();
	}

	/**
	 * The memory of used DPoP proofs, while DPoP is on: Spring Security's in-memory one, bounded by
	 * {@code mcp.oauth.server.dpop.replay-cache.*}. Spring Security 7.0.6 and older have none (and no configurable
	 * proof checks); {@link McpOAuthServerPropertiesValidator} then stops the start-up.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.oauth2.jwt.DPoPProofReplayValidator")
	@Conditional(DPoPOnCondition.class)
	static class DPoPReplayCacheConfiguration {

		@Bean(name = DPOP_REPLAY_CACHE_BEAN, defaultCandidate = false)
		@ConditionalOnMissingBean(name = DPOP_REPLAY_CACHE_BEAN)
		Cache mcpOAuthDPoPReplayCache(McpOAuthServerProperties properties) {
			DPoPProofReplayValidator.InMemoryCache cache = new DPoPProofReplayValidator.InMemoryCache();
			cache.setMaxSize(properties.getDpop().getReplayCache().getMaxSize());
			cache.setMaxRequestsPerKey(properties.getDpop().getReplayCache().getMaxProofsPerKey());
			return cache;
		}

	}

	/**
	 * DPoP is on when {@code mcp.oauth.server.dpop.enabled} or {@code required} binds to true ({@link #isOn}), read as
	 * the properties bind them, so that every value Spring Boot reads as true ({@code on}, {@code yes}) counts here too.
	 */
	static final class DPoPOnCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("MCP OAuth DPoP");
			McpOAuthServerProperties.Dpop dpop = Binder.get(context.getEnvironment())
				.bind("mcp.oauth.server.dpop", McpOAuthServerProperties.Dpop.class)
				.orElseGet(McpOAuthServerProperties.Dpop::new);
			return isOn(dpop) ? ConditionOutcome.match(message.because("enabled or required"))
					: ConditionOutcome.noMatch(message.because("neither enabled nor required"));
		}

	}

	/**
	 * Reads the in-process authorization server (Spring Authorization Server) when it is on the class path.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AuthorizationServerSettings.class)
	static class InProcessAuthorizationServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		InProcessAuthorizationServer mcpOAuthInProcessAuthorizationServer(
				ObjectProvider<AuthorizationServerSettings> settings, ObjectProvider<JWKSource<SecurityContext>> keys) {
			return new InProcessAuthorizationServer(() -> {
				AuthorizationServerSettings serverSettings = settings.getIfUnique();
				return (serverSettings != null) ? serverSettings.getIssuer() : null;
			}, keys::getIfUnique);
		}

	}


	/**
	 * The properties as they will be bound, for conditions that depend on more than one of them; when they cannot
	 * be bound, the defaults (the binding of the properties bean then reports the error).
	 */
	private static McpOAuthServerProperties boundProperties(ConditionContext context) {
		try {
			return Binder.get(context.getEnvironment())
				.bind("mcp.oauth.server", McpOAuthServerProperties.class)
				.orElseGet(McpOAuthServerProperties::new);
		}
		catch (BindException ex) {
			return new McpOAuthServerProperties();
		}
	}

	/** JWTs are verified locally: a key source is configured and introspection does not take every token. */
	static final class JwtVerificationCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("MCP OAuth local JWT verification");
			return TokenSources.verifiesJwtsLocally(boundProperties(context))
					? ConditionOutcome.match(message.available("a key source"))
					: ConditionOutcome.noMatch(message.because("no key source, or introspection.mode=all"));
		}

	}

	/** Tokens are introspected: {@code mcp.oauth.server.introspection.client-id} is set. */
	static final class IntrospectionCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("MCP OAuth token introspection");
			return TokenSources.introspects(boundProperties(context))
					? ConditionOutcome.match(message.found("property").items("mcp.oauth.server.introspection.client-id"))
					: ConditionOutcome.noMatch(message.didNotFind("property").items("mcp.oauth.server.introspection.client-id"));
		}

	}

}
