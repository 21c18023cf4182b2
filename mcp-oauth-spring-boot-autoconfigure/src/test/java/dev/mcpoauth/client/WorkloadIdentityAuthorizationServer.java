package dev.mcpoauth.client;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.mcpoauth.Jwts;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.token.DefaultOAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Spring Authorization Server on a loopback port with the RFC 7523 JWT bearer grant added as an extension grant
 * (Spring Authorization Server has none out of the box): the assertion must be a JWT signed by the platform's key
 * ({@link #PLATFORM_KEY}), issued by {@link #PLATFORM_ISSUER}, whose audience is this server's issuer; the client
 * {@code workload} authenticates with {@code client_secret_basic}. The access token is a JWT of this server, whose
 * {@code workload} claim names the assertion's subject.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class WorkloadIdentityAuthorizationServer {

	static final AuthorizationGrantType JWT_BEARER = AuthorizationGrantType.JWT_BEARER;

	static final String PLATFORM_ISSUER = "https://platform.example";

	static final ECKey PLATFORM_KEY = Jwts.ec();

	private static final JWKSource<SecurityContext> KEYS = new ImmutableJWKSet<>(new JWKSet(Jwts.rsa()));

	@Bean
	@Order(1)
	SecurityFilterChain authorizationServer(HttpSecurity http, RegisteredClientRepository clients,
			OAuth2AuthorizationService authorizations, org.springframework.core.env.Environment environment)
			throws Exception {
		OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
		String issuer = environment.getProperty("spring.security.oauth2.authorizationserver.issuer");
		return http.securityMatcher(server.getEndpointsMatcher())
			.with(server, (configurer) -> configurer.tokenEndpoint((token) -> token
				.accessTokenRequestConverter(WorkloadIdentityAuthorizationServer::jwtBearerRequest)
				.authenticationProvider(new JwtBearerProvider(issuer, authorizations))))
			.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.csrf((csrf) -> csrf.ignoringRequestMatchers(server.getEndpointsMatcher()))
			.build();
	}

	@Bean
	RegisteredClientRepository registeredClients() {
		return new InMemoryRegisteredClientRepository(RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId("workload")
			.clientSecret("{noop}workload-secret")
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.authorizationGrantType(JWT_BEARER)
			.scope("mcp:tools")
			.build());
	}

	@Bean
	OAuth2AuthorizationService authorizations() {
		return new InMemoryOAuth2AuthorizationService();
	}

	@Bean
	JWKSource<SecurityContext> jwkSource() {
		return KEYS;
	}

	/** The token request of the JWT bearer grant, or null for another grant. */
	private static Authentication jwtBearerRequest(HttpServletRequest request) {
		if (!JWT_BEARER.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
			return null;
		}
		String assertion = request.getParameter(OAuth2ParameterNames.ASSERTION);
		if (assertion == null) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
		}
		String scope = request.getParameter(OAuth2ParameterNames.SCOPE);
		Set<String> scopes = (scope != null) ? new LinkedHashSet<>(List.of(scope.split(" "))) : Set.of();
		return new JwtBearerGrant(SecurityContextHolder.getContext().getAuthentication(), assertion, scopes);
	}

	static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(WorkloadIdentityAuthorizationServer.class)
			.properties(Map.of("server.port", port, "spring.main.banner-mode", "off",
					"spring.security.oauth2.authorizationserver.issuer", "http://localhost:" + port,
					"mcp.oauth.server.enabled", "false"))
			.run();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A JWT bearer grant request, after client authentication. */
	static final class JwtBearerGrant extends OAuth2AuthorizationGrantAuthenticationToken {

		private final String assertion;

		private final Set<String> scopes;

		JwtBearerGrant(Authentication client, String assertion, Set<String> scopes) {
			super(JWT_BEARER, client, Map.of());
			this.assertion = assertion;
			this.scopes = scopes;
		}

	}

	/**
	 * Verifies the assertion with the platform's key (signature, expiry, issuer, audience = this server) and issues
	 * an access token; anything wrong with the assertion is {@code invalid_grant}.
	 */
	static final class JwtBearerProvider implements AuthenticationProvider {

		private final NimbusJwtDecoder platform;

		private final OAuth2AuthorizationService authorizations;

		private final JwtGenerator tokens = new JwtGenerator(new NimbusJwtEncoder(KEYS));

		JwtBearerProvider(String issuer, OAuth2AuthorizationService authorizations) {
			this.authorizations = authorizations;
			this.platform = NimbusJwtDecoder
				.withJwkSource(new ImmutableJWKSet<SecurityContext>(new JWKSet(PLATFORM_KEY.toPublicJWK())))
				.jwsAlgorithm(SignatureAlgorithm.ES256)
				.build();
			this.platform.setJwtValidator(JwtValidators.createDefaultWithValidators(
					new JwtClaimValidator<String>("iss", PLATFORM_ISSUER::equals),
					new JwtClaimValidator<List<String>>("aud", (audience) -> audience != null && audience.contains(issuer))));
			this.tokens.setJwtCustomizer((context) -> {
				if (context.getAuthorizationGrant() instanceof JwtBearerGrant grant) {
					context.getClaims().claim("workload", this.platform.decode(grant.assertion).getSubject());
				}
			});
		}

		@Override
		public Authentication authenticate(Authentication authentication) {
			JwtBearerGrant grant = (JwtBearerGrant) authentication;
			if (!(grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken client) || !client.isAuthenticated()) {
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
			}
			RegisteredClient registered = client.getRegisteredClient();
			Jwt assertion;
			try {
				assertion = this.platform.decode(grant.assertion);
			}
			catch (JwtException ex) {
				throw new OAuth2AuthenticationException(
						new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "The workload assertion is not valid", null));
			}
			if (!registered.getScopes().containsAll(grant.scopes)) {
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_SCOPE);
			}
			OAuth2Token generated = this.tokens.generate(DefaultOAuth2TokenContext.builder()
				.registeredClient(registered)
				.principal(client)
				.authorizationServerContext(AuthorizationServerContextHolder.getContext())
				.authorizedScopes(grant.scopes)
				.tokenType(OAuth2TokenType.ACCESS_TOKEN)
				.authorizationGrantType(JWT_BEARER)
				.authorizationGrant(grant)
				.build());
			OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
					generated.getTokenValue(), generated.getIssuedAt(), generated.getExpiresAt(), grant.scopes);
			this.authorizations.save(OAuth2Authorization.withRegisteredClient(registered)
				.principalName(assertion.getSubject())
				.authorizationGrantType(JWT_BEARER)
				.authorizedScopes(grant.scopes)
				.token(accessToken, (metadata) -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
						((ClaimAccessor) generated).getClaims()))
				.build());
			return new OAuth2AccessTokenAuthenticationToken(registered, client, accessToken);
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return JwtBearerGrant.class.isAssignableFrom(authentication);
		}

	}

}
