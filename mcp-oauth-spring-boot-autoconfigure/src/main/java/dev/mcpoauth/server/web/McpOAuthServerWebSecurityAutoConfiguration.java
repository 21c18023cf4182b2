package dev.mcpoauth.server.web;

import java.time.Clock;

import dev.mcpoauth.server.ConditionalOnMcpOAuthServer;
import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import dev.mcpoauth.server.McpOAuthServerProperties;
import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.authentication.HeaderOnlyBearerTokenResolver;
import dev.mcpoauth.server.authentication.McpBearerAuthenticationManagerResolver;
import dev.mcpoauth.server.dpop.DPoPAuthenticationFilter;
import dev.mcpoauth.server.dpop.DPoPNonces;
import dev.mcpoauth.server.dpop.DPoPProofVerifier;
import dev.mcpoauth.server.challenge.McpBearerTokenAccessDeniedHandler;
import dev.mcpoauth.server.challenge.McpBearerTokenAuthenticationEntryPoint;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataDocuments;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataFilter;
import dev.mcpoauth.server.metadata.RequestOriginFilter;
import dev.mcpoauth.server.metadata.RootMetadataOwnership;
import dev.mcpoauth.server.scope.ToolCallScopes;
import dev.mcpoauth.server.scope.ToolScopeAuthorizationFilter;
import dev.mcpoauth.server.session.McpSessionBindingFilter;
import dev.mcpoauth.server.session.McpSessionBindings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
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
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Protects the MCP endpoint of a servlet application with the beans of {@link McpOAuthServerAutoConfiguration}:
 * bearer access tokens from the {@code Authorization} header only (and DPoP-bound ones with their proofs when
 * {@code mcp.oauth.server.dpop} is on), RFC 9728 Protected Resource Metadata, and exact {@code WWW-Authenticate}
 * challenges.
 *
 * <p>Its {@link SecurityFilterChain} matches only the MCP server's paths ({@link dev.mcpoauth.server.McpEndpoints}:
 * the endpoint, and for Spring AI's SSE transport its message endpoint, each with its sub-paths), the metadata paths
 * and the requests routed to a servlet transport of the MCP Java SDK, so the application's own chains keep governing
 * everything else. Within it, every request is authenticated, MCP sessions are bound to the subject that created
 * them, and every request that may carry a message passes the per-tool scope check; a stateless bearer endpoint has
 * no session, request cache, CSRF token or logout, so the chain has none of their filters. It runs after Spring Boot's
 * security auto-configurations so that their defaults (the default chain, the authorization server's chain) stay in
 * place. The twin of {@code ReactiveMcpOAuthServerWebSecurityAutoConfiguration}.
 */
@AutoConfiguration(after = McpOAuthServerAutoConfiguration.class, afterName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, JwtDecoder.class, DefaultBearerTokenResolver.class })
@ConditionalOnMcpOAuthServer
public final class McpOAuthServerWebSecurityAutoConfiguration {

	@Bean(name = McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN)
	AuthenticationEntryPoint mcpOAuthAuthenticationEntryPoint(McpOAuthServerProperties properties,
			McpProtectedResource resource) {
		return new McpBearerTokenAuthenticationEntryPoint(resource, properties.getRequiredScopes(),
				McpOAuthServerAutoConfiguration.challengeSchemes(properties));
	}

	@Bean(name = McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN)
	AccessDeniedHandler mcpOAuthAccessDeniedHandler(McpOAuthServerProperties properties,
			McpProtectedResource resource) {
		return new McpBearerTokenAccessDeniedHandler(resource, properties.getRequiredScopes(),
				McpOAuthServerAutoConfiguration.challengeSchemes(properties));
	}

	@Bean(name = McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN)
	@Order(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_ORDER)
	@ConditionalOnMissingBean(name = McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN)
	SecurityFilterChain mcpOAuthSecurityFilterChain(HttpSecurity http, McpOAuthServerProperties properties,
			McpProtectedResource resource,
			@Qualifier(McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN) AccessTokenAuthenticator accessTokens,
			@Qualifier(McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN) AuthenticationEntryPoint entryPoint,
			@Qualifier(McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN) AccessDeniedHandler accessDeniedHandler,
			@Qualifier(McpOAuthServerAutoConfiguration.METADATA_BEAN) ProtectedResourceMetadataDocuments metadata,
			@Qualifier(McpOAuthServerAutoConfiguration.TOOL_CALL_SCOPES_BEAN) ToolCallScopes toolCallScopes,
			ObjectProvider<FilterChainProxy> filterChains,
			@Qualifier(McpOAuthServerAutoConfiguration.DPOP_REPLAY_CACHE_BEAN) ObjectProvider<Cache> dpopReplayCache) {
		String[] metadataPaths = metadata.paths().toArray(String[]::new);
		McpBearerAuthenticationManagerResolver authenticationManagers = new McpBearerAuthenticationManagerResolver(
				accessTokens, resource, true);
		BearerTokenResolver bearerTokens = McpOAuthServerAutoConfiguration.isOn(properties.getDpop())
				? addDPoP(http, properties.getDpop(), new McpBearerAuthenticationManagerResolver(accessTokens, resource,
						false), resource, entryPoint, dpopReplayCache.getObject())
				: new HeaderOnlyBearerTokenResolver();
		ProtectedResourceMetadataFilter metadataFilter = new ProtectedResourceMetadataFilter(metadata);
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		RequestMatcher rootMetadata = paths.matcher(McpProtectedResource.WELL_KNOWN_PATH);
		RequestMatcher wellKnown = new OrRequestMatcher(
				new AndRequestMatcher(paths.matcher(McpProtectedResource.WELL_KNOWN_PATH + "/**"),
						new NegatedRequestMatcher(rootMetadata)),
				new AndRequestMatcher(rootMetadata, new RootMetadataOwnership(filterChains, metadataFilter)));
		UrlBasedCorsConfigurationSource cors = new UrlBasedCorsConfigurationSource();
		cors.registerCorsConfiguration(McpProtectedResource.WELL_KNOWN_PATH + "/**",
				ProtectedResourceMetadataDocuments.cors());
		http.securityMatchers((matchers) -> matchers.requestMatchers(resource.pathPatterns().toArray(String[]::new))
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
			.logout(AbstractHttpConfigurer::disable)
			.csrf(AbstractHttpConfigurer::disable)
			.cors((corsConfigurer) -> corsConfigurer.configurationSource(cors))
			.addFilterBefore(new RequestOriginFilter(resource), CorsFilter.class)
			.addFilterAfter(metadataFilter, CorsFilter.class)
			.addFilterAfter(new ToolScopeAuthorizationFilter(toolCallScopes), AuthorizationFilter.class)
			.addFilterAfter(new McpSessionBindingFilter(new McpSessionBindings()), ToolScopeAuthorizationFilter.class);
		return http.build();
	}

	/**
	 * Puts the DPoP authentication in front of the bearer one.
	 * @return the bearer token resolver: one that refuses every bearer token when DPoP is required
	 */
	private static BearerTokenResolver addDPoP(HttpSecurity http, McpOAuthServerProperties.Dpop dpop,
			McpBearerAuthenticationManagerResolver accessTokens, McpProtectedResource resource,
			AuthenticationEntryPoint entryPoint, Cache replayCache) {
		DPoPNonces nonces = dpop.getNonce().isEnabled()
				? new DPoPNonces(dpop.getNonce().getLifetime(), Clock.systemUTC()) : null;
		DPoPProofVerifier verifier = new DPoPProofVerifier(dpop.getAlgorithms(), dpop.getProofMaxAge(), replayCache,
				nonces);
		http.addFilterBefore(new DPoPAuthenticationFilter(verifier, accessTokens, resource, entryPoint),
				BearerTokenAuthenticationFilter.class);
		BearerTokenResolver bearer = new HeaderOnlyBearerTokenResolver();
		return dpop.isRequired() ? DPoPAuthenticationFilter.refusingBearerTokens(bearer) : bearer;
	}

}
