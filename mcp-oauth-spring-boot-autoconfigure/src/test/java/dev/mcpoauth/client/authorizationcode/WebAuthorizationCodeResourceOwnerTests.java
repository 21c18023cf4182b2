package dev.mcpoauth.client.authorizationcode;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClients;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.user.DefaultOAuth2User;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Whom the web front end of the authorization code flow acts for: one {@link ResourceOwnerKey} (the kind of sign-in
 * and the name by default) for the waiting request, the token store and the token slots, and a user carried from the
 * calling thread only, never read on another.
 */
class WebAuthorizationCodeResourceOwnerTests {

	private final ResourceOwnerKey key = ResourceOwnerKey.typeAndName();

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void theDefaultKeyTellsKindsOfSignInApartAndKeepsOneUserOne() {
		Authentication form = UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of());
		Authentication rememberMe = new RememberMeAuthenticationToken("k", "alice",
				AuthorityUtils.createAuthorityList("ROLE_USER"));
		assertThat(this.key.key(form)).as("remember-me is form login's user store").isEqualTo(this.key.key(rememberMe))
			.doesNotContain("alice")
			.isEqualTo(this.key.key(UsernamePasswordAuthenticationToken.authenticated("alice", "secret", List.of())));
		assertThat(this.key.key(form))
			.isNotEqualTo(this.key.key(UsernamePasswordAuthenticationToken.authenticated("bob", null, List.of())))
			.isNotEqualTo(this.key.key(new TestingAuthenticationToken("alice", null, "ROLE_USER")))
			.isNotEqualTo(this.key.key(oidc("https://idp.example", "alice")))
			.isNotEqualTo(this.key.key(oauth2Login("github", "alice")));
		assertThat(this.key.key(oidc("https://idp.example", "alice"))).as("the issuer is the kind")
			.isEqualTo(this.key.key(oidc("https://idp.example", "alice")))
			.isNotEqualTo(this.key.key(oidc("https://other-idp.example", "alice")));
		assertThat(this.key.key(oauth2Login("github", "alice"))).isNotEqualTo(this.key.key(oauth2Login("gitlab", "alice")));
	}

	@Test
	void theCallbackStoresTheTokensUnderTheKeyNotTheName() {
		AuthorizationCodeState state = new AuthorizationCodeState(InMemoryOAuth2AuthorizedClientService::new,
				Clock.systemUTC());
		ClientRegistration registration = ClientRegistration.withRegistrationId("s@0123")
			.clientId("c")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("https://app.example/mcp/callback")
			.authorizationUri("https://as.example/authorize")
			.tokenUri("https://as.example/token")
			.build();
		state.clientRegistrations().save(registration);
		ResourceOwnerAuthorizedClientRepository repository = new ResourceOwnerAuthorizedClientRepository(state);
		Authentication form = UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of());
		OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(registration, "alice", new OAuth2AccessToken(
				OAuth2AccessToken.TokenType.BEARER, "at", Instant.now(), Instant.now().plusSeconds(60)));
		repository.saveAuthorizedClient(client, form, new MockHttpServletRequest(), new MockHttpServletResponse());
		assertThat(state.authorizedClients().<OAuth2AuthorizedClient>loadAuthorizedClient("s@0123", "alice"))
			.as("not under the bare name")
			.isNull();
		OAuth2AuthorizedClient stored = state.authorizedClients()
			.loadAuthorizedClient("s@0123", state.resourceOwner(form));
		assertThat(stored).isNotNull();
		assertThat(stored.getPrincipalName()).isEqualTo(state.resourceOwner(form));
		assertThat(repository.<OAuth2AuthorizedClient>loadAuthorizedClient("s@0123", form,
				new MockHttpServletRequest())).isNotNull();
		assertThat(repository.<OAuth2AuthorizedClient>loadAuthorizedClient("s@0123",
				new TestingAuthenticationToken("alice", null, "ROLE_EXTERNAL"), new MockHttpServletRequest()))
			.as("an 'alice' of another kind of sign-in")
			.isNull();
	}

	@Test
	void anApplicationsResourceOwnerKeyIsUsedEverywhere() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.s.server-url=https://mcp.example/mcp",
					"mcp.oauth.client.registrations.s.flow=authorization-code",
					"mcp.oauth.client.registrations.s.authorization-code.redirect-uri=https://app.example/mcp/callback")
			.withBean(ResourceOwnerKey.class, () -> (authentication) -> "user-" + authentication.getName().length())
			.run((context) -> {
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
				assertThat(context.getBean(AuthorizationCodeUserAgent.class).resourceOwner()).isEqualTo("user-5");
				assertThat(context.getBean(McpOAuthClients.class).authorization("s").currentIdToken())
					.isEqualTo("user-5");
			});
	}

	/**
	 * A call of the web front end that carries no user (made on another thread than the user's, or without the
	 * transport context) is refused: the user is not read on the thread the token is requested on, which may be a
	 * pooled one whose inheritable security context names an earlier user. The calling thread's own reading stays.
	 */
	@Test
	void aCallThatCarriesNoUserIsNotMadeForTheThreadsUser() {
		try (StubAuthorizationCodeServer server = new StubAuthorizationCodeServer()) {
			new WebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
				.withPropertyValues("mcp.oauth.client.registrations.s.server-url=" + server.mcp(),
						"mcp.oauth.client.registrations.s.flow=authorization-code",
						"mcp.oauth.client.registrations.s.authorization-code.redirect-uri=https://app.example/mcp/cb")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
					SecurityContextHolder.getContext()
						.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
					assertThatExceptionOfType(McpOAuthClientException.class)
						.isThrownBy(() -> authorization.accessToken(null))
						.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("no_resource_owner"));
					assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
						.as("read on the calling thread: alice's browser is sent to authorize")
						.isThrownBy(authorization::accessToken);
				});
		}
	}

	private static Authentication oidc(String issuer, String subject) {
		OidcIdToken idToken = new OidcIdToken("id", Instant.now(), Instant.now().plusSeconds(60),
				Map.of("iss", issuer, "sub", subject));
		return new OAuth2AuthenticationToken(new DefaultOidcUser(AuthorityUtils.createAuthorityList("OIDC_USER"),
				idToken), AuthorityUtils.createAuthorityList("OIDC_USER"), "idp");
	}

	private static Authentication oauth2Login(String registrationId, String login) {
		return new OAuth2AuthenticationToken(new DefaultOAuth2User(AuthorityUtils.createAuthorityList("OAUTH2_USER"),
				Map.of("login", login), "login"), AuthorityUtils.createAuthorityList("OAUTH2_USER"), registrationId);
	}

}
