package dev.mcpoauth.client.authorizationcode;

import java.util.List;
import java.util.Map;

import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An MCP server whose Protected Resource Metadata moves to another authorization server (SEP-2352), and MCP servers
 * of the 2025-03-26 revision without any: a client that registered itself follows the move, registers anew and
 * carries nothing over; a pre-registered client stays bound to its authorization server and sends its secret nowhere
 * else; without Protected Resource Metadata the server's origin is the authorization server.
 */
class AuthorizationServerChangeTests {

	private final StubAuthorizationCodeServer first = new StubAuthorizationCodeServer();

	private final StubAuthorizationCodeServer second = new StubAuthorizationCodeServer("b");

	@AfterEach
	void stop() {
		this.first.close();
		this.second.close();
	}

	private void withAuthorization(java.util.function.Consumer<McpAuthorization> test, String... properties) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues("mcp.oauth.client.registrations.s.server-url=" + this.first.mcp(),
					"mcp.oauth.client.registrations.s.flow=authorization-code")
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context.getBean(McpOAuthClients.class).authorization("s"));
			});
	}

	@Test
	void aDynamicallyRegisteredClientRegistersAtTheNewAuthorizationServerAndCarriesNothingOver() {
		withAuthorization((authorization) -> {
			String first = authorization.accessToken();
			String firstClient = this.first.authorizeRequests().get(0).queryParameters().get("client_id");
			this.first.protectedResource.set(this.first.prm(this.second.issuer(), List.of("mcp:read")));
			assertThat(authorization.onErrorResponse(401, List.of("Bearer resource_metadata=\"" + this.first.issuer()
					+ "/.well-known/oauth-protected-resource/mcp\""), "Bearer " + first)).isTrue();
			String second = authorization.accessToken();
			assertThat(second).isNotEqualTo(first);
			assertThat(this.second.registrations()).hasSize(1);
			assertThat(this.second.authorizeRequests()).hasSize(1);
			assertThat(this.second.http.received()).noneMatch((request) -> String.valueOf(request.query())
				.contains(firstClient) || request.body().contains(firstClient)
					|| request.body().contains("rt-1") || String.valueOf(request.header("Authorization")).contains(first));
			assertThat(this.first.tokenRequests()).as("no refresh at the old server").hasSize(1);
		});
	}

	@Test
	void aPreRegisteredConfidentialClientStaysBoundAndSendsItsSecretNowhereElse() {
		this.first.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
		withAuthorization((authorization) -> {
			String first = authorization.accessToken();
			this.first.protectedResource.set(this.first.prm(this.second.issuer(), List.of("mcp:read")));
			assertThatExceptionOfType(McpOAuthClientException.class)
				.isThrownBy(() -> authorization.onErrorResponse(401, List.of("Bearer"), "Bearer " + first))
				.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("authorization_server_changed"));
			assertThat(this.second.http.received()).isEmpty();
		}, "mcp.oauth.client.registrations.s.client-id=pre", "mcp.oauth.client.registrations.s.client-secret=pre-secret");
	}

	@Test
	void withoutProtectedResourceMetadataTheServersOriginIsTheAuthorizationServer() {
		this.first.http.handle("/.well-known/oauth-protected-resource/mcp", (request) -> new Response(404, "", Map.of()));
		withAuthorization((authorization) -> {
			assertThat(authorization.accessToken()).startsWith("at-");
			assertThat(this.first.http.requests()).containsExactly("/.well-known/oauth-protected-resource/mcp",
					"/.well-known/oauth-protected-resource", "/.well-known/oauth-authorization-server", "/register",
					"/authorize", "/token");
		});
	}

	@Test
	void withoutAnyMetadataTheDefaultEndpointsAtTheServersOriginAreUsed() {
		this.first.http.handle("/.well-known/oauth-protected-resource/mcp", (request) -> new Response(404, "", Map.of()));
		this.first.http.handle("/.well-known/oauth-authorization-server", (request) -> new Response(404, "", Map.of()));
		this.first.iss.set(StubAuthorizationCodeServer.Iss.MISSING);
		withAuthorization((authorization) -> {
			assertThat(authorization.accessToken()).startsWith("at-");
			assertThat(this.first.http.requests()).endsWith("/register", "/authorize", "/token");
			assertThat(this.first.authorizeRequests().get(0).queryParameters()).containsEntry("resource",
					this.first.mcp());
		});
	}

	@Test
	void aMetadataDocumentThatCannotBeReadIsNotTakenForAnAbsentOne() {
		this.first.http.handle("/.well-known/oauth-protected-resource/mcp", (request) -> new Response(500, "", Map.of()));
		withAuthorization((authorization) -> assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(authorization::accessToken)
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("discovery_failed")));
		assertThat(this.first.registrations()).isEmpty();
	}

}
