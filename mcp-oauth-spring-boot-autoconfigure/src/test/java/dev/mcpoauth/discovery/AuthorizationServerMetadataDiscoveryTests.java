package dev.mcpoauth.discovery;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.mcpoauth.StubHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthorizationServerMetadataDiscoveryTests {

	private final AuthorizationServerMetadataDiscovery discovery = new AuthorizationServerMetadataDiscovery(
			new DefaultResourceRetriever(1000, 1000, 64 * 1024));

	@Test
	void probeOrderForIssuerWithPath() {
		assertThat(AuthorizationServerMetadataDiscovery.candidateUrls(URI.create("https://as.example/tenant1")))
			.containsExactly(URI.create("https://as.example/.well-known/oauth-authorization-server/tenant1"),
					URI.create("https://as.example/.well-known/openid-configuration/tenant1"),
					URI.create("https://as.example/tenant1/.well-known/openid-configuration"));
	}

	@Test
	void probeOrderForIssuerWithoutPath() {
		assertThat(AuthorizationServerMetadataDiscovery.candidateUrls(URI.create("https://as.example")))
			.containsExactly(URI.create("https://as.example/.well-known/oauth-authorization-server"),
					URI.create("https://as.example/.well-known/openid-configuration"));
		assertThat(AuthorizationServerMetadataDiscovery.candidateUrls(URI.create("https://as.example/")))
			.containsExactly(URI.create("https://as.example/.well-known/oauth-authorization-server"),
					URI.create("https://as.example/.well-known/openid-configuration"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/.well-known/oauth-authorization-server/realms/test",
			"/.well-known/openid-configuration/realms/test", "/realms/test/.well-known/openid-configuration" })
	void findsTheDocumentWhereverTheServerPutsItAndAsksInOrder(String servedAt) {
		try (StubHttpServer server = new StubHttpServer()) {
			String issuer = server.url() + "/realms/test";
			server.serve(servedAt, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/certs\"}");
			Map<String, Object> metadata = this.discovery.discover(URI.create(issuer));
			assertThat(metadata).containsEntry("jwks_uri", issuer + "/certs");
			List<String> all = List.of("/.well-known/oauth-authorization-server/realms/test",
					"/.well-known/openid-configuration/realms/test", "/realms/test/.well-known/openid-configuration");
			assertThat(server.requests()).containsExactlyElementsOf(all.subList(0, all.indexOf(servedAt) + 1));
		}
	}

	@Test
	void refusesMetadataNamingAnotherIssuer() {
		try (StubHttpServer server = new StubHttpServer()) {
			server.serve("/.well-known/oauth-authorization-server",
					"{\"issuer\":\"https://evil.example\",\"jwks_uri\":\"https://evil.example/jwks\"}");
			assertThatThrownBy(() -> this.discovery.discover(URI.create(server.url())))
				.isInstanceOf(AuthorizationServerMetadataDiscovery.DiscoveryException.class)
				.hasMessageContaining("names issuer 'https://evil.example'")
				.hasMessageContaining("mix-up");
		}
	}

	@Test
	void reportsEveryFailedCandidate() {
		try (StubHttpServer server = new StubHttpServer()) {
			server.serve("/.well-known/openid-configuration", "not json");
			assertThatThrownBy(() -> this.discovery.discover(URI.create(server.url())))
				.isInstanceOf(AuthorizationServerMetadataDiscovery.DiscoveryException.class)
				.hasMessageContaining("No authorization server metadata found")
				.hasMessageContaining("/.well-known/oauth-authorization-server")
				.hasMessageContaining("/.well-known/openid-configuration");
		}
	}

}
