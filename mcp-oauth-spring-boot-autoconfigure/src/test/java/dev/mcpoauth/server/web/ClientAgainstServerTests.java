package dev.mcpoauth.server.web;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpOAuthExchangeFilterFunction;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both halves of the starter over real HTTP: a servlet application protected by the server side, called through
 * the client side's {@code RestClient} interceptor and {@code WebClient} filter. The first call goes without a token and the 401 challenge
 * drives discovery; after the authorization server rotates its key, the held token is refused with 401 and the
 * interceptor gets a new one and replays.
 */
class ClientAgainstServerTests {

	@Test
	void discoversFromTheChallengeAndRecoversFromARefusedToken() throws InterruptedException {
		AtomicReference<RSAKey> key = new AtomicReference<>(Jwts.rsa());
		try (StubHttpServer idp = new StubHttpServer()) {
			idp.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + idp.url() + "\",\"token_endpoint\":\""
					+ idp.url() + "/token\"}");
			idp.serve("/jwks", () -> Jwts.jwks(key.get().toPublicJWK()));
			idp.handle("/token", (request) -> Response.json("{\"access_token\":\""
					+ Jwts.sign(key.get(), idp.url(), request.form().get("resource"))
					+ "\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
			try (WebTestApplication.Running app = WebTestApplication.start("mcp.oauth.server.issuer-uri=" + idp.url(),
					"mcp.oauth.server.jwk-set-uri=" + idp.url() + "/jwks", "mcp.oauth.server.jwks.refresh-cooldown=1ms",
					"mcp.oauth.server.jwks.cache-ttl=50ms")) {
				String mcp = app.url() + "/mcp";
				try (WebTestApplication.Running client = WebTestApplication.start("spring.main.web-application-type=none",
						"mcp.oauth.client.registrations.self.server-url=" + mcp,
						"mcp.oauth.client.registrations.self.client-id=c",
						"mcp.oauth.client.registrations.self.client-secret=s")) {
					RestClient rest = RestClient.builder()
						.requestInterceptor(client.context().getBean(McpOAuthClients.class).restClientInterceptor("self"))
						.build();
					assertThat(rest.post().uri(mcp).body("{}").retrieve().body(String.class)).isEqualTo("ok:{}");
					assertThat(idp.requestsFor("/token")).isEqualTo(1);
					assertThat(rest.post().uri(mcp).body("{\"n\":2}").retrieve().body(String.class)).isEqualTo("ok:{\"n\":2}");
					assertThat(idp.requestsFor("/token")).as("token reused").isEqualTo(1);

					key.set(Jwts.rsa());
					Thread.sleep(200); // outlive the server's 50 ms key cache, so the rotation takes effect
					assertThat(rest.post().uri(mcp).body("{\"n\":3}").retrieve().body(String.class))
						.isEqualTo("ok:{\"n\":3}");
					assertThat(idp.requestsFor("/token")).as("refused token replaced").isEqualTo(2);
					assertThat(idp.requestsTo("/token").get(0).form()).containsEntry("resource", mcp);

					WebClient web = WebClient.builder()
						.clientConnector(new JdkClientHttpConnector())
						.filter(new McpOAuthExchangeFilterFunction(
								client.context().getBean(McpOAuthClients.class).authorization("self"), 2))
						.build();
					assertThat(web.post().uri(mcp).bodyValue("{\"n\":4}").retrieve().bodyToMono(String.class).block())
						.isEqualTo("ok:{\"n\":4}");
					key.set(Jwts.rsa());
					Thread.sleep(200);
					assertThat(web.post().uri(mcp).bodyValue("{\"n\":5}").retrieve().bodyToMono(String.class).block())
						.as("WebClient replays after 401 too")
						.isEqualTo("ok:{\"n\":5}");
					assertThat(idp.requestsFor("/token")).isEqualTo(3);
				}
			}
		}
	}

}
