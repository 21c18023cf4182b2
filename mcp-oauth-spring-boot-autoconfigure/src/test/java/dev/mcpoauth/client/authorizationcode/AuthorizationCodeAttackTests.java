package dev.mcpoauth.client.authorizationcode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClientAutoConfiguration;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.authorizationcode.StubAuthorizationCodeServer.Iss;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Attacks on the authorization code flow found by a break-it review: an authorization server without RFC 9207 iss
 * whose authorization endpoint is another server's (mix-up), a token stored for one MCP server handed to another
 * through a shared store, and offline_access asked for because an MCP server named it. Each failed before the fix.
 */
class AuthorizationCodeAttackTests {

	private final StubAuthorizationCodeServer server = new StubAuthorizationCodeServer();

	private final StubAuthorizationCodeServer honest = new StubAuthorizationCodeServer("h");

	@AfterEach
	void stop() {
		this.server.close();
		this.honest.close();
	}

	private static ApplicationContextRunner runner(String serverUrl, String... more) {
		List<String> properties = new ArrayList<>(List.of("mcp.oauth.client.registrations.s.server-url=" + serverUrl,
				"mcp.oauth.client.registrations.s.flow=authorization-code"));
		for (String p : more) {
			properties.add("mcp.oauth.client.registrations.s." + p);
		}
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class))
			.withPropertyValues(properties.toArray(String[]::new));
	}

	/**
	 * A token store shared like the README's JdbcOAuth2AuthorizedClientService (one table, each application reads
	 * rows back through its own registration repository).
	 */
	static final class SharedTable {

		final Map<String, OAuth2AuthorizedClient> rows = new ConcurrentHashMap<>();

		McpAuthorizedClientServiceFactory factory() {
			return (registrations) -> new OAuth2AuthorizedClientService() {

				@Override
				@SuppressWarnings("unchecked")
				public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String id, String principal) {
					OAuth2AuthorizedClient row = SharedTable.this.rows.get(id + "|" + principal);
					if (row == null || registrations.findByRegistrationId(id) == null) {
						return null;
					}
					return (T) new OAuth2AuthorizedClient(registrations.findByRegistrationId(id), principal,
							row.getAccessToken(), row.getRefreshToken());
				}

				@Override
				public void saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
					SharedTable.this.rows.put(client.getClientRegistration().getRegistrationId() + "|"
							+ principal.getName(), client);
				}

				@Override
				public void removeAuthorizedClient(String id, String principal) {
					SharedTable.this.rows.remove(id + "|" + principal);
				}
			};
		}

	}

	/**
	 * (c) token confusion: the store key is registration name + issuer + resource owner, not the resource. Two
	 * applications (or one application whose server-url changed across a restart) sharing a JDBC store, with the
	 * same registration name and the same authorization server: the token issued for resource /mcp is sent to the
	 * MCP server /other.
	 */
	@Test
	void aStoredTokenForOneResourceIsNotHandedToAnotherMcpServer() {
		this.server.http.serve("/.well-known/oauth-protected-resource/other", () -> JSONObjectUtils.toJSONString(
				Map.of("resource", this.server.issuer() + "/other", "authorization_servers",
						List.of(this.server.issuer()), "scopes_supported", List.of("mcp:read"))));
		SharedTable table = new SharedTable();
		List<String> tokens = new ArrayList<>();
		runner(this.server.mcp()).withBean(McpAuthorizedClientServiceFactory.class, table::factory)
			.run((context) -> tokens.add(context.getBean(McpOAuthClients.class).authorization("s").accessToken()));
		runner(this.server.issuer() + "/other").withBean(McpAuthorizedClientServiceFactory.class, table::factory)
			.run((context) -> tokens.add(context.getBean(McpOAuthClients.class).authorization("s").accessToken()));
		assertThat(this.server.authorizeRequests().get(0).queryParameters()).containsEntry("resource",
				this.server.mcp());
		assertThat(tokens.get(1)).as("token issued for resource " + this.server.mcp() + " sent to /other")
			.isNotEqualTo(tokens.get(0));
	}

	/**
	 * (d) offline_access is documented as requested only when the authorization server lists it, but a challenge's
	 * scope (or the Protected Resource Metadata's scopes_supported) from the MCP server puts it into the request.
	 */
	@Test
	void offlineAccessFromTheMcpServerIsNotRequestedWhenTheAuthorizationServerDoesNotListIt() {
		this.server.protectedResource.set(this.server.prm(this.server.issuer(), List.of("mcp:read", "offline_access")));
		runner(this.server.mcp()).run((context) -> context.getBean(McpOAuthClients.class).authorization("s")
			.accessToken());
		assertThat(this.server.metadata).doesNotContainKey("scopes_supported");
		assertThat(StubAuthorizationCodeServer.scopes(this.server.authorizeRequests().get(0).queryParameters()))
			.doesNotContain("offline_access");
	}

	/**
	 * (b) mix-up: an MCP server (followed, no client-id) names an attacker's authorization server whose metadata
	 * points authorization_endpoint at an honest authorization server that approves this client (same CIMD client
	 * id) and does not implement RFC 9207. The client uses one redirect_uri for every authorization server and does
	 * not require iss, so the honest server's code and the PKCE verifier go to the attacker's token endpoint
	 * (RFC 9700 4.4.2: a client of several authorization servers needs iss or distinct redirect URIs).
	 */
	@Test
	void aCodeFromAnotherAuthorizationServerIsNotSentToTheAttackersTokenEndpoint() {
		this.honest.metadata.remove("authorization_response_iss_parameter_supported");
		this.honest.metadata.put("client_id_metadata_document_supported", true);
		this.honest.iss.set(Iss.MISSING);
		this.server.metadata.remove("authorization_response_iss_parameter_supported");
		this.server.metadata.put("client_id_metadata_document_supported", true);
		this.server.metadata.put("authorization_endpoint", this.honest.issuer() + "/authorize");
		runner(this.server.mcp(), "authorization-code.client-id-metadata-document=https://client.example/cimd.json")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				McpAuthorization authorization = context.getBean(McpOAuthClients.class).authorization("s");
				assertThat(catchThrowable(authorization::accessToken)).isInstanceOf(McpOAuthClientException.class)
					.hasMessageContaining("authorization_endpoint_refused");
			});
		assertThat(this.honest.codesIssued()).as("no authorization request went to the honest server").isEmpty();
		assertThat(this.server.tokenRequests()).as("attacker's token endpoint got the honest code and verifier")
			.isEmpty();
	}

}
