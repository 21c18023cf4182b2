package dev.mcpoauth.client.authorizationcode;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.mcpoauth.Jwts;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Authorization Server and an MCP endpoint protected by the starter's server side in one application on a
 * loopback port, for the authorization code flow end to end: a confidential client ({@code confidential},
 * {@code client_secret_basic}, refresh tokens) and a public one ({@code public}), both with PKCE required, no
 * consent, and the loopback redirect URI; access tokens live {@link #ACCESS_TOKEN_LIFETIME} and are audience-bound
 * to the RFC 8707 {@code resource} of the token request. The resource owner is signed in already: every request to
 * the authorization endpoint is {@code alice}'s (a test stands in for the login a browser would show). The endpoint
 * at {@code /mcp} echoes the caller's name and audience. Requests are counted by path.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class SpringAuthorizationServerApplication {

	static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(3);

	static final String REDIRECT_URI = "http://127.0.0.1/mcp-oauth/callback";

	static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
		OAuth2AuthorizationServerConfigurer authorizationServer = new OAuth2AuthorizationServerConfigurer();
		return http.securityMatcher(authorizationServer.getEndpointsMatcher())
			.with(authorizationServer, Customizer.withDefaults())
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.csrf((csrf) -> csrf.ignoringRequestMatchers(authorizationServer.getEndpointsMatcher()))
			.addFilterAfter(new SignedInResourceOwner(), SecurityContextHolderFilter.class)
			.build();
	}

	@Bean
	RegisteredClientRepository registeredClients() {
		ClientSettings pkceNoConsent = ClientSettings.builder()
			.requireProofKey(true)
			.requireAuthorizationConsent(false)
			.build();
		TokenSettings tokens = TokenSettings.builder().accessTokenTimeToLive(ACCESS_TOKEN_LIFETIME).build();
		RegisteredClient confidential = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId("confidential")
			.clientSecret("{noop}confidential-secret")
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.redirectUri(REDIRECT_URI)
			.scope("mcp:tools")
			.scope("mcp:admin")
			.clientSettings(pkceNoConsent)
			.tokenSettings(tokens)
			.build();
		RegisteredClient publicClient = RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId("public")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(REDIRECT_URI)
			.scope("mcp:tools")
			.clientSettings(pkceNoConsent)
			.tokenSettings(tokens)
			.build();
		return new InMemoryRegisteredClientRepository(confidential, publicClient);
	}

	@Bean
	JWKSource<SecurityContext> jwkSource() {
		return new ImmutableJWKSet<>(new JWKSet(Jwts.rsa()));
	}

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> resourceAudience() {
		return (context) -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())
					&& context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant) {
				Object resource = grant.getAdditionalParameters().get("resource");
				List<String> audience = new ArrayList<>();
				if (resource instanceof String single) {
					audience.add(single);
				}
				else if (resource instanceof String[] several) {
					audience.addAll(Arrays.asList(several));
				}
				context.getClaims().audience(audience);
			}
		};
	}

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> requestCounter() {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {

					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						REQUESTS.computeIfAbsent(request.getRequestURI(), (path) -> new AtomicInteger()).incrementAndGet();
						chain.doFilter(request, response);
					}

				});
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	static int requests(String path) {
		AtomicInteger count = REQUESTS.get(path);
		return (count != null) ? count.get() : 0;
	}

	static ConfigurableApplicationContext start(int port) {
		REQUESTS.clear();
		String url = "http://localhost:" + port;
		return new SpringApplicationBuilder(SpringAuthorizationServerApplication.class)
			.properties(Map.of("server.port", port, "spring.main.banner-mode", "off", "mcp.oauth.server.issuer-uri", url,
					"mcp.oauth.server.resource", url + "/mcp", "mcp.oauth.server.required-scopes", "mcp:tools"))
			.run();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The MCP endpoint: answers with the caller and the token's audience. */
	@RestController
	static class McpEndpoint {

		@RequestMapping("/mcp")
		String mcp(@RequestBody(required = false) String body) {
			var authentication = (org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken) SecurityContextHolder
				.getContext()
				.getAuthentication();
			return authentication.getName() + " " + authentication.getToken().getAudience() + " "
					+ authentication.getToken().getClaimAsString("scope");
		}

	}

	/** Signs {@code alice} in for every request it sees, as a login page would have. */
	static final class SignedInResourceOwner extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			if (request.getRequestURI().equals("/oauth2/authorize")) {
				var context = SecurityContextHolder.createEmptyContext();
				context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null,
						AuthorityUtils.createAuthorityList("ROLE_USER")));
				SecurityContextHolder.setContext(context);
			}
			chain.doFilter(request, response);
		}

	}

}
