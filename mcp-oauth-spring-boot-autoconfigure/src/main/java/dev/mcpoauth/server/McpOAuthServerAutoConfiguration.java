package dev.mcpoauth.server;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.server.jwt.AccessTokenDecoders;
import dev.mcpoauth.server.jwt.InProcessAuthorizationServer;
import dev.mcpoauth.server.metadata.ConfiguredMetadataCustomizer;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataCustomizer;
import dev.mcpoauth.server.metadata.ProtectedResourceMetadataDocuments;
import dev.mcpoauth.server.scope.ToolCallScopes;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;

/**
 * The MCP endpoint as an OAuth 2.1 resource server, following the MCP authorization specification, on either web
 * stack: what both share. It validates {@code mcp.oauth.server.*} and turns it into the protected resource
 * ({@link McpProtectedResource}), the access-token decoder (bearer JWTs, audience bound to this resource, RFC 8707),
 * the RFC 9728 Protected Resource Metadata and the tool-scope decision; the security chain of the application's
 * stack comes from {@code dev.mcpoauth.server.web.McpOAuthServerWebSecurityAutoConfiguration} (servlet) or
 * {@code dev.mcpoauth.server.web.reactive.ReactiveMcpOAuthServerWebSecurityAutoConfiguration} (WebFlux). Each bean can
 * be replaced by a bean of the same name: {@value #JWT_DECODER_BEAN}, and on each stack
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

	private final McpOAuthServerProperties properties;

	McpOAuthServerAutoConfiguration(McpOAuthServerProperties properties) {
		McpOAuthServerPropertiesValidator.validate(properties);
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
	JwtDecoder mcpOAuthJwtDecoder(ObjectProvider<InProcessAuthorizationServer> inProcessAuthorizationServer) {
		InProcessAuthorizationServer local = inProcessAuthorizationServer.getIfUnique();
		return (local != null) ? AccessTokenDecoders.create(this.properties, local::keysFor)
				: AccessTokenDecoders.create(this.properties);
	}

	@Bean(name = METADATA_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = METADATA_BEAN)
	ProtectedResourceMetadataDocuments mcpOAuthProtectedResourceMetadata(McpProtectedResource resource,
			ObjectProvider<ProtectedResourceMetadataCustomizer> metadataCustomizers) {
		ConfiguredMetadataCustomizer configured = new ConfiguredMetadataCustomizer(this.properties);
		return new ProtectedResourceMetadataDocuments(resource, (builder) -> {
			configured.customize(builder);
			metadataCustomizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		});
	}

	@Bean(name = TOOL_CALL_SCOPES_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = TOOL_CALL_SCOPES_BEAN)
	ToolCallScopes mcpOAuthToolCallScopes() {
		return new ToolCallScopes(this.properties.getRequiredScopes(), this.properties.getToolScopes());
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

}
