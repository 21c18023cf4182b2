package dev.mcpoauth.server;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import com.nimbusds.jose.proc.SecurityContext;

import dev.mcpoauth.client.token.AssertionSigningKey;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.discovery.AuthorizationServerMetadataDiscovery;
import dev.mcpoauth.discovery.BoundedResourceRetriever;
import dev.mcpoauth.discovery.HttpsPolicy;
import dev.mcpoauth.server.McpOAuthServerProperties.Introspection;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.authentication.HeaderOnlyBearerTokenResolver;
import dev.mcpoauth.server.authentication.McpBearerAuthenticationManagerResolver;
import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;
import dev.mcpoauth.server.challenge.ChallengeSchemes;
import dev.mcpoauth.server.challenge.McpBearerTokenAccessDeniedHandler;
import dev.mcpoauth.server.challenge.McpBearerTokenAuthenticationEntryPoint;
import dev.mcpoauth.server.dpop.DPoPAuthenticationFilter;
import dev.mcpoauth.server.dpop.DPoPMetadataCustomizer;
import dev.mcpoauth.server.dpop.DPoPNonces;
import dev.mcpoauth.server.dpop.DPoPProofVerifier;
import dev.mcpoauth.server.jwt.AccessTokenDecoders;
import dev.mcpoauth.server.jwt.InProcessAuthorizationServer;
import dev.mcpoauth.server.introspection.CachingOpaqueTokenIntrospector;
import dev.mcpoauth.server.introspection.IntrospectedTokenRules;
import dev.mcpoauth.server.introspection.IntrospectionClientAuthentication;
import dev.mcpoauth.server.introspection.IntrospectionEndpoint;
import dev.mcpoauth.server.introspection.RemoteOpaqueTokenIntrospector;
import dev.mcpoauth.server.metadata.ConfiguredMetadataCustomizer;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataCustomizer;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataFilter;
import dev.mcpoauth.server.metadata.RequestOriginFilter;
import dev.mcpoauth.server.metadata.RootMetadataOwnership;
import dev.mcpoauth.server.scope.ToolCallScopes;
import dev.mcpoauth.server.scope.ToolScopeAuthorizationFilter;
import dev.mcpoauth.server.session.McpSessionBindingFilter;
import dev.mcpoauth.server.session.McpSessionBindings;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Protects the MCP endpoint of a servlet application as an OAuth 2.1 resource server, following the MCP
 * authorization specification: bearer access tokens from the {@code Authorization} header only (JWTs verified
 * locally, and opaque tokens, or every token, introspected when {@code introspection.client-id} is set), audience
 * bound to this resource (RFC 8707), RFC 9728 Protected Resource Metadata, and exact {@code WWW-Authenticate}
 * challenges.
 *
 * <p>Its {@link SecurityFilterChain} matches only the MCP server's paths ({@link McpEndpoints}: the endpoint, and for Spring
 * AI's SSE transport its message endpoint, each with its sub-paths), the metadata paths and the
 * requests routed to a servlet transport of the MCP Java SDK, so the application's own chains keep governing
 * everything else. Within it, every request is authenticated, MCP sessions are bound to the subject that created
 * them, and every request that may carry a message passes the per-tool scope check. It runs after Spring Boot's security auto-configurations so that their
 * defaults (the default chain, the authorization server's chain) stay in place. Each bean can be replaced by a bean
 * of the same name: {@value #JWT_DECODER_BEAN}, {@value #OPAQUE_TOKEN_INTROSPECTOR_BEAN}, {@value #ENTRY_POINT_BEAN},
 * {@value #ACCESS_DENIED_HANDLER_BEAN}, {@value #SECURITY_FILTER_CHAIN_BEAN}, {@value #DPOP_REPLAY_CACHE_BEAN}; add
 * {@link ProtectedResourceMetadataCustomizer} beans to change the metadata. With {@code mcp.oauth.server.dpop.enabled}
 * (or {@code required}) DPoP-bound tokens are accepted too ({@link DPoPProofVerifier}).
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, JwtDecoder.class, DefaultBearerTokenResolver.class })
@ConditionalOnProperty(prefix = "mcp.oauth.server", name = "enabled", havingValue = "true", matchIfMissing = true)
@Conditional(McpOAuthServerAutoConfiguration.ServerConfiguredCondition.class)
@EnableConfigurationProperties(McpOAuthServerProperties.class)
public final class McpOAuthServerAutoConfiguration {

	/** Name of the access-token decoder bean. */
	public static final String JWT_DECODER_BEAN = "mcpOAuthJwtDecoder";

	/** Name of the opaque-token introspector bean. */
	public static final String OPAQUE_TOKEN_INTROSPECTOR_BEAN = "mcpOAuthOpaqueTokenIntrospector";

	/** Name of the 401 entry point bean. */
	public static final String ENTRY_POINT_BEAN = "mcpOAuthAuthenticationEntryPoint";

	/** Name of the 403 handler bean. */
	public static final String ACCESS_DENIED_HANDLER_BEAN = "mcpOAuthAccessDeniedHandler";

	/** Name of the security filter chain bean. */
	public static final String SECURITY_FILTER_CHAIN_BEAN = "mcpOAuthSecurityFilterChain";

	/**
	 * Name of the cache of used DPoP proofs (a Spring {@link Cache} with an atomic {@code putIfAbsent}, as
	 * {@link DPoPProofReplayValidator} uses it), present while DPoP is on; replace it with a shared one when several
	 * instances serve the endpoint.
	 */
	public static final String DPOP_REPLAY_CACHE_BEAN = "mcpOAuthDPoPReplayCache";

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

	@Bean(name = JWT_DECODER_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = JWT_DECODER_BEAN)
	@Conditional(JwtVerificationCondition.class)
	JwtDecoder mcpOAuthJwtDecoder(ObjectProvider<InProcessAuthorizationServer> inProcessAuthorizationServer) {
		InProcessAuthorizationServer local = inProcessAuthorizationServer.getIfUnique();
		return (local != null) ? AccessTokenDecoders.create(this.properties, local::keysFor)
				: AccessTokenDecoders.create(this.properties);
	}

	@Bean(name = OPAQUE_TOKEN_INTROSPECTOR_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = OPAQUE_TOKEN_INTROSPECTOR_BEAN)
	@Conditional(IntrospectionCondition.class)
	OpaqueTokenIntrospector mcpOAuthOpaqueTokenIntrospector() {
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
		OpaqueTokenIntrospector remote = new RemoteOpaqueTokenIntrospector(endpoint,
				introspectionClientAuthentication(introspection, clock), rules, connectTimeout, timeout);
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

	@Bean(name = ENTRY_POINT_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = ENTRY_POINT_BEAN)
	AuthenticationEntryPoint mcpOAuthAuthenticationEntryPoint(McpProtectedResource resource) {
		return new McpBearerTokenAuthenticationEntryPoint(resource, this.properties.getRequiredScopes(),
				challengeSchemes());
	}

	@Bean(name = ACCESS_DENIED_HANDLER_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = ACCESS_DENIED_HANDLER_BEAN)
	AccessDeniedHandler mcpOAuthAccessDeniedHandler(McpProtectedResource resource) {
		return new McpBearerTokenAccessDeniedHandler(resource, this.properties.getRequiredScopes(),
				challengeSchemes());
	}

	private ChallengeSchemes challengeSchemes() {
		McpOAuthServerProperties.Dpop dpop = this.properties.getDpop();
		return isOn(dpop) ? ChallengeSchemes.withDPoP(!dpop.isRequired(), dpop.getAlgorithms())
				: ChallengeSchemes.bearerOnly();
	}

	static boolean isOn(McpOAuthServerProperties.Dpop dpop) {
		return dpop.isEnabled() || dpop.isRequired();
	}

	@Bean(name = SECURITY_FILTER_CHAIN_BEAN)
	@Order(SECURITY_FILTER_CHAIN_ORDER)
	@ConditionalOnMissingBean(name = SECURITY_FILTER_CHAIN_BEAN)
	SecurityFilterChain mcpOAuthSecurityFilterChain(HttpSecurity http, McpProtectedResource resource,
			@Qualifier(JWT_DECODER_BEAN) ObjectProvider<JwtDecoder> decoder,
			@Qualifier(OPAQUE_TOKEN_INTROSPECTOR_BEAN) ObjectProvider<OpaqueTokenIntrospector> introspector,
			@Qualifier(ENTRY_POINT_BEAN) AuthenticationEntryPoint entryPoint,
			@Qualifier(ACCESS_DENIED_HANDLER_BEAN) AccessDeniedHandler accessDeniedHandler,
			ObjectProvider<ProtectedResourceMetadataCustomizer> metadataCustomizers,
			ObjectProvider<FilterChainProxy> filterChains,
			@Qualifier(DPOP_REPLAY_CACHE_BEAN) ObjectProvider<Cache> dpopReplayCache) {
		String[] metadataPaths = ProtectedResourceMetadataFilter.paths(resource).toArray(String[]::new);
		AccessTokenAuthenticator tokens = new AccessTokenAuthenticator(
				TokenSources.verifiesJwtsLocally(this.properties) ? decoder.getObject() : null,
				ScopeAuthoritiesConverter.authenticationConverter(),
				TokenSources.introspects(this.properties) ? introspector.getObject() : null, issuerAudiences());
		McpBearerAuthenticationManagerResolver authenticationManagers = new McpBearerAuthenticationManagerResolver(
				tokens, resource, this.properties.getAudiences());
		ConfiguredMetadataCustomizer configuredMetadata = new ConfiguredMetadataCustomizer(this.properties);
		McpOAuthServerProperties.Dpop dpop = this.properties.getDpop();
		DPoPMetadataCustomizer dpopMetadata = isOn(dpop)
				? new DPoPMetadataCustomizer(dpop.getAlgorithms(), dpop.isRequired()) : null;
		ProtectedResourceMetadataFilter metadataFilter = new ProtectedResourceMetadataFilter(resource,
				(builder) -> {
					configuredMetadata.customize(builder);
					if (dpopMetadata != null) {
						dpopMetadata.customize(builder);
					}
					metadataCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
				});
		BearerTokenResolver bearerTokens = isOn(dpop)
				? addDPoP(http, authenticationManagers, resource, entryPoint, dpopReplayCache.getObject())
				: new HeaderOnlyBearerTokenResolver();
		List<String> mcpPaths = new ArrayList<>();
		resource.paths().forEach((path) -> mcpPaths.addAll(List.of(path, path + "/**")));
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		RequestMatcher rootMetadata = paths.matcher(McpProtectedResource.WELL_KNOWN_PATH);
		RequestMatcher wellKnown = new OrRequestMatcher(
				new AndRequestMatcher(paths.matcher(McpProtectedResource.WELL_KNOWN_PATH + "/**"),
						new NegatedRequestMatcher(rootMetadata)),
				new AndRequestMatcher(rootMetadata, new RootMetadataOwnership(filterChains, metadataFilter)));
		http.securityMatchers((matchers) -> matchers.requestMatchers(mcpPaths.toArray(String[]::new))
			.requestMatchers(wellKnown)
			.requestMatchers(new McpSdkServletRequestMatcher(getClass().getClassLoader())))
			.authorizeHttpRequests((authorize) -> authorize.requestMatchers(metadataPaths)
				.permitAll()
				.anyRequest()
				.authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.authenticationManagerResolver(authenticationManagers)
				.bearerTokenResolver(bearerTokens)
				.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDeniedHandler))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDeniedHandler))
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(AbstractHttpConfigurer::disable)
			.csrf(AbstractHttpConfigurer::disable)
			.cors((cors) -> cors.configurationSource(metadataCors()))
			.addFilterBefore(new RequestOriginFilter(resource), CorsFilter.class)
			.addFilterAfter(metadataFilter, CorsFilter.class)
			.addFilterAfter(new ToolScopeAuthorizationFilter(new ToolCallScopes(this.properties.getRequiredScopes(),
					this.properties.getToolScopes())), AuthorizationFilter.class)
			.addFilterAfter(new McpSessionBindingFilter(new McpSessionBindings()), ToolScopeAuthorizationFilter.class);
		return http.build();
	}

	/** The audiences of each trusted issuer that has its own. */
	private Map<String, List<String>> issuerAudiences() {
		Map<String, List<String>> audiences = new LinkedHashMap<>();
		this.properties.getIssuers().values().forEach((issuer) -> {
			if (!issuer.getAudiences().isEmpty()) {
				audiences.put(issuer.getIssuerUri().toString(), issuer.getAudiences());
			}
		});
		return audiences;
	}

	/**
	 * Puts the DPoP authentication in front of the bearer one.
	 * @return the bearer token resolver: one that refuses every bearer token when DPoP is required
	 */
	private BearerTokenResolver addDPoP(HttpSecurity http, McpBearerAuthenticationManagerResolver accessTokens,
			McpProtectedResource resource, AuthenticationEntryPoint entryPoint, Cache replayCache) {
		McpOAuthServerProperties.Dpop dpop = this.properties.getDpop();
		DPoPNonces nonces = dpop.getNonce().isEnabled()
				? new DPoPNonces(dpop.getNonce().getLifetime(), Clock.systemUTC()) : null;
		DPoPProofVerifier verifier = new DPoPProofVerifier(dpop.getAlgorithms(), dpop.getProofMaxAge(), replayCache,
				nonces);
		http.addFilterBefore(new DPoPAuthenticationFilter(verifier, accessTokens, resource, entryPoint),
				BearerTokenAuthenticationFilter.class);
		BearerTokenResolver bearer = new HeaderOnlyBearerTokenResolver();
		return dpop.isRequired() ? DPoPAuthenticationFilter.refusingBearerTokens(bearer) : bearer;
	}

	private static UrlBasedCorsConfigurationSource metadataCors() {
		CorsConfiguration metadata = new CorsConfiguration();
		metadata.addAllowedOrigin(CorsConfiguration.ALL);
		metadata.addAllowedMethod("GET");
		metadata.addAllowedMethod("HEAD");
		metadata.setMaxAge(3600L);
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration(McpProtectedResource.WELL_KNOWN_PATH + "/**", metadata);
		return source;
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

	/**
	 * The server side switches on once any property under {@code mcp.oauth.server} is set, so that an application
	 * that only calls MCP servers is left alone, and one that sets a server property without a key source (or
	 * misspells the key source) is stopped by {@link McpOAuthServerPropertiesValidator} with a message rather than
	 * silently left open to Spring Boot's defaults.
	 */
	static final class ServerConfiguredCondition extends SpringBootCondition {

		private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("mcp.oauth.server");

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("MCP OAuth server properties");
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
				if (source instanceof IterableConfigurationPropertySource iterable
						&& iterable.filter(PREFIX::isAncestorOf).stream().findAny().isPresent()) {
					return ConditionOutcome.match(message.found("property under").items(PREFIX));
				}
			}
			return ConditionOutcome.noMatch(message.didNotFind("property under").items(PREFIX));
		}

	}

}
