package dev.mcpoauth.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.client.authorizationcode.McpOAuthClientWebSecurity;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The sample's security filter chains besides the MCP server's (which the starter adds): the embedded authorization
 * server's endpoints, as Spring Boot would set them up, and the web pages of a signed-in user (form login with the
 * demo user {@code spring.security.user.*}), to which the starter's authorization code front end is added:
 * {@code GET /tools} calls the sample's own MCP endpoint for the signed-in user, whose browser is sent to the
 * authorization server when they have not authorized it yet.
 * <p>
 * The authorization server also implements RFC 9207: it advertises
 * {@code authorization_response_iss_parameter_supported} and puts {@code iss} in its authorization responses (Spring
 * Authorization Server does neither by itself), so the client's check of {@code iss} is exercised.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!external-idp")
class SampleWebSecurity {

	private static final String ISS_SUPPORTED = "authorization_response_iss_parameter_supported";

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) throws Exception {
		http.oauth2AuthorizationServer((authorizationServer) -> {
			http.securityMatcher(authorizationServer.getEndpointsMatcher());
			authorizationServer
				.authorizationServerMetadataEndpoint((metadata) -> metadata
					.authorizationServerMetadataCustomizer((builder) -> builder.claim(ISS_SUPPORTED, true)))
				.authorizationEndpoint((endpoint) -> endpoint.authorizationResponseHandler(new IssuerInResponse()))
				.oidc((oidc) -> oidc.providerConfigurationEndpoint((configuration) -> configuration
					.providerConfigurationCustomizer((builder) -> builder.claim(ISS_SUPPORTED, true))));
		})
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.exceptionHandling((exceptions) -> exceptions.defaultAuthenticationEntryPointFor(
					new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
		return http.build();
	}

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE - 5)
	SecurityFilterChain webPagesSecurityFilterChain(HttpSecurity http, McpOAuthClientWebSecurity mcpClients)
			throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.formLogin(Customizer.withDefaults());
		return mcpClients.applyTo(http).build();
	}

	/**
	 * Spring Authorization Server's successful authorization response (the code and the state, to the client's
	 * redirect URI), with the issuer identifier as {@code iss} (RFC 9207).
	 */
	static final class IssuerInResponse implements AuthenticationSuccessHandler {

		private final RedirectStrategy redirects = new DefaultRedirectStrategy();

		@Override
		public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
				Authentication authentication) throws IOException {
			if (!(authentication instanceof OAuth2AuthorizationCodeRequestAuthenticationToken answer)) {
				throw new IllegalStateException("Not an authorization code request: " + authentication.getClass());
			}
			UriComponentsBuilder redirect = UriComponentsBuilder.fromUriString(answer.getRedirectUri())
				.queryParam("code", answer.getAuthorizationCode().getTokenValue());
			if (answer.getState() != null) {
				redirect.queryParam("state", UriUtils.encode(answer.getState(), StandardCharsets.UTF_8));
			}
			redirect.queryParam("iss",
					UriUtils.encode(AuthorizationServerContextHolder.getContext().getIssuer(), StandardCharsets.UTF_8));
			this.redirects.sendRedirect(request, response, redirect.build(true).toUriString());
		}

	}

}
