package dev.mcpoauth.server.web.reactive;

import java.util.ArrayList;
import java.util.List;

import dev.mcpoauth.server.ConditionalOnMcpOAuthServer;
import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import dev.mcpoauth.server.McpOAuthServerProperties;
import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.authentication.HeaderOnlyServerBearerTokenAuthenticationConverter;
import dev.mcpoauth.server.authentication.McpBearerReactiveAuthenticationManagerResolver;
import dev.mcpoauth.server.authentication.AccessTokenAuthenticator;
import dev.mcpoauth.server.challenge.McpBearerTokenServerAccessDeniedHandler;
import dev.mcpoauth.server.challenge.McpBearerTokenServerAuthenticationEntryPoint;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataDocuments;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataWebFilter;
import dev.mcpoauth.server.metadata.RequestOriginWebFilter;
import dev.mcpoauth.server.scope.ToolCallScopes;
import dev.mcpoauth.server.scope.ToolScopeAuthorizationWebFilter;
import dev.mcpoauth.server.session.McpSessionBindingWebFilter;
import dev.mcpoauth.server.session.McpSessionBindings;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.HttpStatusServerEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * Protects the MCP endpoint of a WebFlux application (Spring AI's {@code spring-ai-starter-mcp-server-webflux}) with
 * the beans of {@link McpOAuthServerAutoConfiguration}, as {@code McpOAuthServerWebSecurityAutoConfiguration} does on
 * the servlet stack: the same metadata, challenges, audience, bearer header rule, tool scopes and session bindings,
 * each decided by the same stack-neutral class. Its {@link SecurityWebFilterChain} matches only the MCP server's paths
 * ({@link dev.mcpoauth.server.McpEndpoints}, each with its sub-paths, relative to {@code spring.webflux.base-path})
 * and the metadata paths, ahead of the application's own chains. Tokens are verified by the same decoder, off the
 * event loop.
 *
 * <p>WebFlux drops its default chain once any chain exists: when the application declares none of its own (nor does
 * Spring Boot), {@value McpOAuthServerAutoConfiguration#OTHER_PATHS_SECURITY_WEB_FILTER_CHAIN_BEAN} keeps every other
 * path answering 401, as Spring Boot's default chain does on the servlet stack, and the start-up report says so.
 */
@AutoConfiguration(after = McpOAuthServerAutoConfiguration.class, afterName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ SecurityWebFilterChain.class, ServerHttpSecurity.class, JwtDecoder.class,
		ServerBearerTokenAuthenticationConverter.class, Mono.class })
@ConditionalOnMcpOAuthServer
public final class ReactiveMcpOAuthServerWebSecurityAutoConfiguration {

	ReactiveMcpOAuthServerWebSecurityAutoConfiguration(McpOAuthServerProperties properties) {
		if (McpOAuthServerAutoConfiguration.isOn(properties.getDpop())) {
			throw new InvalidConfigurationPropertyValueException("mcp.oauth.server.dpop.enabled", true,
					"DPoP is supported in servlet applications only, not yet on WebFlux: switch "
							+ "mcp.oauth.server.dpop.enabled and required off (bearer tokens, sender-constrained ones "
							+ "refused, are checked as usual)");
		}
	}

	@Bean(name = McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN)
	ServerAuthenticationEntryPoint mcpOAuthAuthenticationEntryPoint(McpOAuthServerProperties properties,
			McpProtectedResource resource) {
		return new McpBearerTokenServerAuthenticationEntryPoint(resource, properties.getRequiredScopes());
	}

	@Bean(name = McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN)
	ServerAccessDeniedHandler mcpOAuthAccessDeniedHandler(McpOAuthServerProperties properties,
			McpProtectedResource resource) {
		return new McpBearerTokenServerAccessDeniedHandler(resource, properties.getRequiredScopes());
	}

	@Bean(name = McpOAuthServerAutoConfiguration.SECURITY_WEB_FILTER_CHAIN_BEAN)
	@Order(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_ORDER)
	@ConditionalOnMissingBean(name = McpOAuthServerAutoConfiguration.SECURITY_WEB_FILTER_CHAIN_BEAN)
	SecurityWebFilterChain mcpOAuthSecurityWebFilterChain(ServerHttpSecurity http, McpOAuthServerProperties properties,
			McpProtectedResource resource,
			@Qualifier(McpOAuthServerAutoConfiguration.ACCESS_TOKEN_AUTHENTICATOR_BEAN) AccessTokenAuthenticator accessTokens,
			@Qualifier(McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN) ServerAuthenticationEntryPoint entryPoint,
			@Qualifier(McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN) ServerAccessDeniedHandler accessDeniedHandler,
			@Qualifier(McpOAuthServerAutoConfiguration.METADATA_BEAN) ProtectedResourceMetadataDocuments metadata,
			@Qualifier(McpOAuthServerAutoConfiguration.TOOL_CALL_SCOPES_BEAN) ToolCallScopes toolCallScopes) {
		McpBearerReactiveAuthenticationManagerResolver authenticationManagers = new McpBearerReactiveAuthenticationManagerResolver(
				accessTokens, resource);
		List<String> chainPaths = new ArrayList<>(resource.pathPatterns());
		chainPaths.add(McpProtectedResource.WELL_KNOWN_PATH);
		chainPaths.add(McpProtectedResource.WELL_KNOWN_PATH + "/**");
		UrlBasedCorsConfigurationSource cors = new UrlBasedCorsConfigurationSource();
		cors.registerCorsConfiguration(McpProtectedResource.WELL_KNOWN_PATH + "/**",
				ProtectedResourceMetadataDocuments.cors());
		http.securityMatcher(ServerWebExchangeMatchers.pathMatchers(chainPaths.toArray(String[]::new)))
			.authorizeExchange((authorize) -> authorize.pathMatchers(metadata.paths().toArray(String[]::new))
				.permitAll()
				.anyExchange()
				.authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.authenticationManagerResolver(authenticationManagers)
				.bearerTokenConverter(new HeaderOnlyServerBearerTokenAuthenticationConverter())
				.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDeniedHandler))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDeniedHandler))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((requestCache) -> requestCache.requestCache(NoOpServerRequestCache.getInstance()))
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.cors((corsSpec) -> corsSpec.configurationSource(cors))
			.addFilterBefore(new RequestOriginWebFilter(resource), SecurityWebFiltersOrder.CORS)
			.addFilterAfter(new ProtectedResourceMetadataWebFilter(metadata), SecurityWebFiltersOrder.CORS)
			.addFilterAfter(new ToolScopeAuthorizationWebFilter(toolCallScopes), SecurityWebFiltersOrder.AUTHORIZATION)
			.addFilterAt(new McpSessionBindingWebFilter(new McpSessionBindings()), SecurityWebFiltersOrder.LAST);
		return http.build();
	}

	@Bean
	@ConditionalOnMissingBean(name = "mcpOAuthRefusedRequestConnectionWebFilter")
	RefusedRequestConnectionWebFilter mcpOAuthRefusedRequestConnectionWebFilter() {
		return new RefusedRequestConnectionWebFilter();
	}

	/**
	 * Keeps the application's other paths closed when nothing else would: declared before the MCP chain, so that only
	 * the application's own chains (and Spring Boot's) count.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OtherPathsConfiguration {

		@Bean(name = McpOAuthServerAutoConfiguration.OTHER_PATHS_SECURITY_WEB_FILTER_CHAIN_BEAN)
		@Order(Ordered.LOWEST_PRECEDENCE)
		@ConditionalOnMissingBean(SecurityWebFilterChain.class)
		SecurityWebFilterChain mcpOAuthOtherPathsSecurityWebFilterChain(ServerHttpSecurity http) {
			return http.authorizeExchange((authorize) -> authorize.anyExchange().authenticated())
				.exceptionHandling((exceptions) -> exceptions
					.authenticationEntryPoint(new HttpStatusServerEntryPoint(HttpStatus.UNAUTHORIZED)))
				.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
				.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
				.build();
		}

	}

}
