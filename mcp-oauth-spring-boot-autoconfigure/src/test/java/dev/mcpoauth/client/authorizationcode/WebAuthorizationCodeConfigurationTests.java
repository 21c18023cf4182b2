package dev.mcpoauth.client.authorizationcode;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClients;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which front end of the authorization code flow an application gets: a servlet web application with Spring
 * Security's web and OAuth2 client filters the web one ({@link WebAuthorizationCodeUserAgent} for the signed-in user,
 * {@link McpOAuthClientWebSecurity} to add to its chain), anything else the headless one; each backs off when the
 * application defines its own. Also: the web user agent keeps the request for its user only.
 */
class WebAuthorizationCodeConfigurationTests {

	private static final String S = "mcp.oauth.client.registrations.s.";

	private static final String[] AUTHORIZATION_CODE = { S + "server-url=https://mcp.example/mcp",
			S + "flow=authorization-code", S + "authorization-code.redirect-uri=https://app.example/mcp/callback" };

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
		.withPropertyValues(AUTHORIZATION_CODE);

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void servletWebApplicationGetsTheWebFrontEndForTheSignedInUser() {
		this.web.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(AuthorizationCodeUserAgent.class)).isInstanceOf(WebAuthorizationCodeUserAgent.class);
			assertThat(context.getBean(McpOAuthClientWebSecurity.class)).hasToString("McpOAuthClientWebSecurity[/mcp/callback]");
			McpOAuthClients clients = context.getBean(McpOAuthClients.class);
			assertThat(clients.authorization("s").isPerUser()).isTrue();
			assertThat(clients.authorization("s").currentIdToken()).as("nobody signed in").isNull();
			SecurityContextHolder.getContext()
				.setAuthentication(new AnonymousAuthenticationToken("k", "anonymousUser",
						AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
			assertThat(clients.authorization("s").currentIdToken()).as("anonymous").isNull();
			UsernamePasswordAuthenticationToken alice = UsernamePasswordAuthenticationToken.authenticated("alice", null,
					List.of());
			SecurityContextHolder.getContext().setAuthentication(alice);
			assertThat(clients.authorization("s").currentIdToken()).as("the ResourceOwnerKey of the signed-in user")
				.isEqualTo(context.getBean(AuthorizationCodeState.class).resourceOwner(alice))
				.isEqualTo(ResourceOwnerKey.typeAndName().key(alice));
		});
	}

	@Test
	void nonWebApplicationKeepsTheHeadlessUserAgent() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(AUTHORIZATION_CODE)
			.run((context) -> {
				assertThat(context.getBean(AuthorizationCodeUserAgent.class))
					.isInstanceOf(HeadlessAuthorizationCodeUserAgent.class);
				assertThat(context).doesNotHaveBean(McpOAuthClientWebSecurity.class);
				assertThat(context.getBean(McpOAuthClients.class).authorization("s").isPerUser()).isFalse();
			});
	}

	@Test
	void reactiveWebApplicationKeepsTheHeadlessUserAgent() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(AUTHORIZATION_CODE)
			.run((context) -> {
				assertThat(context.getBean(AuthorizationCodeUserAgent.class))
					.isInstanceOf(HeadlessAuthorizationCodeUserAgent.class);
				assertThat(context).doesNotHaveBean(McpOAuthClientWebSecurity.class);
			});
	}

	@Test
	void withoutSpringSecurityConfigurationTheHeadlessUserAgentStays() {
		this.web.withClassLoader(new FilteredClassLoader(HttpSecurity.class)).run((context) -> {
			assertThat(context.getBean(AuthorizationCodeUserAgent.class))
				.isInstanceOf(HeadlessAuthorizationCodeUserAgent.class);
			assertThat(context).doesNotHaveBean(McpOAuthClientWebSecurity.class);
		});
	}

	@Test
	void backsOffForTheApplicationsOwnBeans() {
		HeadlessAuthorizationCodeUserAgent own = new HeadlessAuthorizationCodeUserAgent(java.time.Duration.ofSeconds(1),
				java.time.Duration.ofSeconds(1));
		this.web.withBean(AuthorizationCodeUserAgent.class, () -> own)
			.withBean("customWebSecurity", McpOAuthClientWebSecurity.class,
					() -> new McpOAuthClientWebSecurity(new AuthorizationCodeState((registrations) -> null,
							java.time.Clock.systemUTC()), List.of(URI.create("https://app.example/own"))))
			.run((context) -> {
				assertThat(context.getBean(AuthorizationCodeUserAgent.class)).isSameAs(own);
				assertThat(context).getBean(McpOAuthClientWebSecurity.class).hasToString("McpOAuthClientWebSecurity[/own]");
				assertThat(context.getBean(McpOAuthClients.class).authorization("s").isPerUser()).isFalse();
			});
	}

	@Test
	void theWaitingRequestGoesOnlyToTheBrowserOfItsUser() {
		AuthorizationCodeState state = new AuthorizationCodeState(
				(registrations) -> new org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService(
						registrations),
				java.time.Clock.systemUTC());
		WebAuthorizationCodeUserAgent agent = new WebAuthorizationCodeUserAgent(state);
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
		String alice = agent.resourceOwner();
		SecurityContextHolder.clearContext();
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("https://as.example/authorize")
			.clientId("c")
			.redirectUri("https://app.example/mcp/callback")
			.state("st")
			.attributes((attributes) -> {
				attributes.put(OAuth2ParameterNames.REGISTRATION_ID, "s@0123");
				attributes.put(AuthorizationCodeProvider.RESOURCE_OWNER, alice);
			})
			.build();
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(() -> agent.authorize("s", request))
			.satisfies((ex) -> assertThat(ex.getClientRegistrationId()).isEqualTo("s@0123"));
		McpAuthorizationRequestResolver resolver = new McpAuthorizationRequestResolver(state);
		MockHttpServletRequest http = new MockHttpServletRequest("GET", "/oauth2/authorization/s@0123");
		assertThat(resolver.resolve(http)).as("never from a path").isNull();
		assertThat(resolver.resolve(http, "s@0123")).as("nobody signed in").isNull();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("bob", null, List.of()));
		assertThat(resolver.resolve(http, "s@0123")).as("another user").isNull();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
		assertThat(resolver.resolve(http, "s@other")).as("another registration").isNull();
		assertThat(resolver.resolve(http, "s@0123")).isSameAs(request);
	}

}
