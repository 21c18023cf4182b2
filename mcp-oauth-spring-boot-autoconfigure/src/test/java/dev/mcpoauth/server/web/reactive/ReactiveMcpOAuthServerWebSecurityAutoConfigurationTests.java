package dev.mcpoauth.server.web.reactive;

import java.net.URI;
import java.util.List;

import dev.mcpoauth.server.McpOAuthServerAutoConfiguration;
import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.challenge.McpBearerTokenServerAccessDeniedHandler;
import dev.mcpoauth.server.challenge.McpBearerTokenServerAuthenticationEntryPoint;
import dev.mcpoauth.server.web.McpOAuthServerWebSecurityAutoConfiguration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every condition of the WebFlux side: it switches on with the same properties as the servlet side, shares the
 * stack-neutral beans, backs off for the user's beans and outside WebFlux, and keeps the other paths closed when
 * nothing else does.
 */
class ReactiveMcpOAuthServerWebSecurityAutoConfigurationTests {

	private static final String ISSUER = "mcp.oauth.server.issuer-uri=https://idp.example";

	private static final String CHAIN = McpOAuthServerAutoConfiguration.SECURITY_WEB_FILTER_CHAIN_BEAN;

	private static final String OTHER_PATHS = McpOAuthServerAutoConfiguration.OTHER_PATHS_SECURITY_WEB_FILTER_CHAIN_BEAN;

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
				ReactiveUserDetailsServiceAutoConfiguration.class, ReactiveWebSecurityAutoConfiguration.class,
				McpOAuthServerAutoConfiguration.class, McpOAuthServerWebSecurityAutoConfiguration.class,
				ReactiveMcpOAuthServerWebSecurityAutoConfiguration.class));

	@Test
	void leavesAnApplicationWithoutServerConfigurationAlone() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(McpProtectedResource.class);
			assertThat(context).doesNotHaveBean(CHAIN);
			assertThat(context).doesNotHaveBean(OTHER_PATHS);
			assertThat(context).doesNotHaveBean(RefusedRequestConnectionWebFilter.class);
		});
	}

	@Test
	void dPoPIsRefusedAtStartUpOnWebFluxNamingTheProperty() {
		this.runner
			.withPropertyValues(ISSUER, "mcp.oauth.server.resource=https://mcp.example/mcp",
					"mcp.oauth.server.dpop.enabled=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("mcp.oauth.server.dpop.enabled")
				.hasMessageContaining("servlet applications only"));
	}

	@Test
	void protectsTheEndpointOnceAnIssuerIsConfigured() {
		this.runner.withPropertyValues(ISSUER).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(McpProtectedResource.class);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN);
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN))
				.isInstanceOf(McpBearerTokenServerAuthenticationEntryPoint.class);
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN))
				.isInstanceOf(McpBearerTokenServerAccessDeniedHandler.class);
			assertThat(context).hasBean(CHAIN);
			assertThat(context).hasSingleBean(RefusedRequestConnectionWebFilter.class);
			assertThat(context).doesNotHaveBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN);
		});
	}

	@Test
	void theMcpChainMatchesOnlyTheMcpAndMetadataPaths() {
		this.runner.withPropertyValues(ISSUER).run((context) -> {
			SecurityWebFilterChain chain = context.getBean(CHAIN, SecurityWebFilterChain.class);
			for (String path : List.of("/mcp", "/m%63p", "/mcp/", "/mcp/message", "/.well-known/oauth-protected-resource",
					"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource/other")) {
				assertThat(matches(chain, path)).as(path).isTrue();
			}
			for (String path : List.of("/", "/app", "/x/mcp", "/mcpx", "/.well-known/openid-configuration")) {
				assertThat(matches(chain, path)).as(path).isFalse();
			}
		});
	}

	@Test
	void keepsTheOtherPathsClosedWhenTheApplicationDeclaresNoChain() {
		this.runner.withPropertyValues(ISSUER).run((context) -> {
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).containsOnlyKeys(CHAIN, OTHER_PATHS);
			assertThat(context.getBeanProvider(SecurityWebFilterChain.class).orderedStream().toList())
				.as("the MCP chain first")
				.first()
				.isSameAs(context.getBean(CHAIN));
		});
	}

	@Test
	void keepsTheApplicationsOwnChainBehindTheMcpChain() {
		this.runner.withPropertyValues(ISSUER).withUserConfiguration(UserChainConfiguration.class).run((context) -> {
			assertThat(context.getBeansOfType(SecurityWebFilterChain.class)).containsOnlyKeys(CHAIN, "userChain");
			assertThat(context.getBeanProvider(SecurityWebFilterChain.class).orderedStream().toList())
				.containsExactly(context.getBean(CHAIN, SecurityWebFilterChain.class),
						context.getBean("userChain", SecurityWebFilterChain.class));
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheChain() {
		this.runner.withPropertyValues(ISSUER).withUserConfiguration(ReplacementChainConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(CHAIN)).isSameAs(context.getBean(ReplacementChainConfiguration.class).chain);
				assertThat(context).doesNotHaveBean(OTHER_PATHS);
			});
	}

	@Test
	void everyBeanCanBeReplacedByTheUsersOwn() {
		this.runner.withPropertyValues(ISSUER).withUserConfiguration(ReplacementConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN))
				.isSameAs(ReplacementConfiguration.DECODER);
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN))
				.isSameAs(ReplacementConfiguration.ENTRY_POINT);
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN))
				.isSameAs(ReplacementConfiguration.ACCESS_DENIED);
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues(ISSUER, "mcp.oauth.server.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(McpProtectedResource.class);
			assertThat(context).doesNotHaveBean(CHAIN);
		});
	}

	@Test
	void aServerPropertyWithoutAKeySourceStopsTheStartUpAsOnTheServletStack() {
		this.runner.withPropertyValues("mcp.oauth.server.required-scopes=mcp:tools").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("No key source to verify access tokens: set mcp.oauth.server.issuer-uri");
		});
	}

	@Test
	void backsOffWithoutSpringSecurityOAuth2ResourceServer() {
		this.runner.withPropertyValues(ISSUER)
			.withClassLoader(new FilteredClassLoader("org.springframework.security.oauth2.server.resource"))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(McpProtectedResource.class);
				assertThat(context).doesNotHaveBean(CHAIN);
			});
	}

	@Test
	void backsOffWithoutReactor() {
		this.runner.withPropertyValues(ISSUER)
			.withClassLoader(new FilteredClassLoader(Mono.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CHAIN));
	}

	@Test
	void backsOffInServletApplications() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthServerAutoConfiguration.class,
					ReactiveMcpOAuthServerWebSecurityAutoConfiguration.class))
			.withPropertyValues(ISSUER)
			.run((context) -> {
				assertThat(context).hasSingleBean(McpProtectedResource.class);
				assertThat(context).doesNotHaveBean(CHAIN);
				assertThat(context).doesNotHaveBean(OTHER_PATHS);
			});
	}

	private static boolean matches(SecurityWebFilterChain chain, String path) {
		return Boolean.TRUE.equals(chain
			.matches(MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.POST, URI.create(path)).build()))
			.block());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserChainConfiguration {

		@Bean
		SecurityWebFilterChain userChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplacementChainConfiguration {

		SecurityWebFilterChain chain;

		@Bean
		SecurityWebFilterChain mcpOAuthSecurityWebFilterChain(ServerHttpSecurity http) {
			this.chain = http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/mcp/**"))
				.authorizeExchange((exchanges) -> exchanges.anyExchange().denyAll())
				.build();
			return this.chain;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplacementConfiguration {

		static final JwtDecoder DECODER = (token) -> {
			throw new JwtException("user decoder");
		};

		static final ServerAuthenticationEntryPoint ENTRY_POINT = (exchange, ex) -> Mono.empty();

		static final ServerAccessDeniedHandler ACCESS_DENIED = (exchange, ex) -> Mono.empty();

		@Bean
		JwtDecoder mcpOAuthJwtDecoder() {
			return DECODER;
		}

		@Bean
		ServerAuthenticationEntryPoint mcpOAuthAuthenticationEntryPoint() {
			return ENTRY_POINT;
		}

		@Bean
		ServerAccessDeniedHandler mcpOAuthAccessDeniedHandler() {
			return ACCESS_DENIED;
		}

	}

}
