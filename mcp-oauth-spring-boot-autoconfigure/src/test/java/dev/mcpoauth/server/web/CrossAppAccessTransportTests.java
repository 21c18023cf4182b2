package dev.mcpoauth.server.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.StubEnterpriseIdp;
import dev.mcpoauth.StubMcpAuthorizationServer;
import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpOAuthExchangeFilterFunction;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SEP-990 cross-app access with the default {@code IdTokenResolver}, which reads the {@code oauth2Login} user from
 * the calling thread's security context, through the transports whose work goes on on other threads: the
 * {@code WebClient} filter (bounded elastic scheduler) and the MCP Java SDK transport (its own threads). The user's
 * ID token must be read on the caller's thread and carried along. Real servers on loopback: the strict identity
 * provider and MCP authorization server stubs, and an MCP server protected by the starter.
 */
class CrossAppAccessTransportTests {

	private final StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-secret", "client-1");

	private final StubMcpAuthorizationServer authorizationServer = new StubMcpAuthorizationServer(this.idp, "client-1",
			"s3cret");

	@AfterEach
	void stop() {
		SecurityContextHolder.clearContext();
		this.idp.close();
		this.authorizationServer.close();
	}

	/** An MCP server protected by the starter, trusting the stub authorization server. */
	private String[] serverProperties() {
		return new String[] { "mcp.oauth.server.issuer-uri=" + this.authorizationServer.issuer(),
				"mcp.oauth.server.jwk-set-uri=" + this.authorizationServer.issuer() + "/jwks" };
	}

	/** A client application with a cross-app access registration and the default ID token resolver. */
	private void withClient(String mcp, Consumer<McpAuthorization> test) {
		String prefix = "mcp.oauth.client.registrations.xaa.";
		try (WebTestApplication.Running client = WebTestApplication.start("spring.main.web-application-type=none",
				"mcp.oauth.server.enabled=false", prefix + "server-url=" + mcp, prefix + "flow=cross-app-access",
				prefix + "client-id=client-1", prefix + "client-secret=s3cret",
				prefix + "cross-app-access.idp-token-uri=" + this.idp.tokenUri(),
				prefix + "cross-app-access.idp-client-id=idp-client",
				prefix + "cross-app-access.idp-client-secret=idp-secret",
				// the MCP server, like its authorization server, is on plain http (loopback)
				"mcp.oauth.client.allow-insecure-http=true")) {
			test.accept(client.context().getBean(McpOAuthClients.class).authorization("xaa"));
		}
	}

	/** What {@code oauth2Login} leaves in the security context for a user of the identity provider. */
	private Authentication signedIn(String user) {
		OidcIdToken idToken = new OidcIdToken(this.idp.idToken(user), Instant.now(), Instant.now().plusSeconds(300),
				Map.of("sub", user, "iss", this.idp.issuer()));
		DefaultOidcUser principal = new DefaultOidcUser(List.of(new SimpleGrantedAuthority("OIDC_USER")), idToken);
		return new OAuth2AuthenticationToken(principal, principal.getAuthorities(), "idp");
	}

	private List<String> accessTokenSubjects() {
		return this.authorizationServer.assertions().stream().map((assertion) -> {
			try {
				return SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
			}
			catch (java.text.ParseException ex) {
				throw new AssertionError(ex);
			}
		}).toList();
	}

	@Test
	void webClientFindsTheSignedInUserOfTheCallingThread() {
		try (WebTestApplication.Running server = WebTestApplication.start(serverProperties())) {
			String mcp = server.url() + "/mcp";
			this.idp.expect(this.authorizationServer.issuer(), mcp, null);
			withClient(mcp, (authorization) -> {
				List<String> threads = new CopyOnWriteArrayList<>();
				WebClient web = WebClient.builder()
					.clientConnector(new JdkClientHttpConnector())
					.filter(new McpOAuthExchangeFilterFunction(authorization, 2))
					.filter(ExchangeFilterFunction.ofRequestProcessor((request) -> {
						threads.add(Thread.currentThread().getName());
						return Mono.just(request);
					}))
					.build();
				SecurityContextHolder.getContext().setAuthentication(signedIn("alice"));
				assertThat(web.post().uri(mcp).bodyValue("{\"n\":1}").retrieve().bodyToMono(String.class).block())
					.isEqualTo("ok:{\"n\":1}");
				assertThat(accessTokenSubjects()).containsExactly("alice");
				threads.clear();
				assertThat(web.post().uri(mcp).bodyValue("{\"n\":2}").retrieve().bodyToMono(String.class).block())
					.isEqualTo("ok:{\"n\":2}");
				assertThat(this.idp.exchanges()).as("cached per user").isEqualTo(1);
				assertThat(threads).as("a cached token is attached without leaving the caller's thread")
					.containsExactly(Thread.currentThread().getName());
			});
		}
	}

	@Test
	void webClientFindsTheSignedInUserOfTheReactorContext() {
		try (WebTestApplication.Running server = WebTestApplication.start(serverProperties())) {
			String mcp = server.url() + "/mcp";
			this.idp.expect(this.authorizationServer.issuer(), mcp, null);
			withClient(mcp, (authorization) -> {
				WebClient web = WebClient.builder()
					.clientConnector(new JdkClientHttpConnector())
					.filter(new McpOAuthExchangeFilterFunction(authorization, 2))
					.build();
				// WebFlux keeps the user in the Reactor context; the calling thread's security context is empty.
				assertThat(web.post()
					.uri(mcp)
					.bodyValue("{}")
					.retrieve()
					.bodyToMono(String.class)
					.contextWrite(ReactiveSecurityContextHolder.withAuthentication(signedIn("bob")))
					.block()).isEqualTo("ok:{}");
				assertThat(accessTokenSubjects()).containsExactly("bob");
			});
		}
	}

	@Test
	void mcpSdkClientCarriesEachCallersIdTokenToTheTransport() {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(
				McpSdkServletTransportTests.SdkServerApplication.class)
			.run(prefixed(serverProperties()))) {
			String base = "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
			this.idp.expect(this.authorizationServer.issuer(), base + "/mcp", null);
			withClient(base + "/mcp", (authorization) -> {
				McpSdkTransportAuthorization sdk = new McpSdkTransportAuthorization(authorization, 2);
				for (String user : List.of("alice", "bob")) {
					HttpClientStreamableHttpTransport transport = sdk
						.applyTo(HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp"))
						.build();
					try (McpSyncClient client = sdk
						.applyTo(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)))
						.build()) {
						SecurityContextHolder.getContext().setAuthentication(signedIn(user));
						client.initialize();
						assertThat(whoami(client)).isEqualTo(user);
					}
				}
				assertThat(this.idp.exchanges()).isEqualTo(2);
			});
		}
	}

	private static String whoami(McpSyncClient client) {
		return ((TextContent) client.callTool(new CallToolRequest("whoami", Map.of())).content().get(0)).text();
	}

	private static String[] prefixed(String[] properties) {
		String[] args = new String[properties.length + 2];
		args[0] = "--server.port=0";
		// the client's open event stream would hold a graceful shutdown for 30 s
		args[1] = "--server.shutdown=immediate";
		for (int i = 0; i < properties.length; i++) {
			args[i + 2] = "--" + properties[i];
		}
		return args;
	}

}
