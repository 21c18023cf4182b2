package dev.mcpoauth.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.client.McpOAuthClients;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's client with DPoP ({@code dpop.enabled}) against the sample with DPoP and server nonces switched on
 * ({@code mcp.oauth.server.dpop.*}): the sample's embedded Spring Authorization Server issues a DPoP-bound token
 * to the client credentials request that carries the client's proof, and the real MCP Java SDK client, through
 * {@link McpSdkTransportAuthorization}, initializes, calls a tool, and steps up for another, each request with a
 * fresh proof; the server's first refusal asks for its nonce ({@code use_dpop_nonce}) and the replay carries it.
 * Every request to the token endpoint and the MCP endpoint is recorded on the way in, with its answer's status (the
 * POSTs are checked).
 */
@SpringBootTest(classes = { SampleApplication.class, ClientDPoPEndToEndTests.Recorder.class },
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "server.shutdown=immediate", "mcp.oauth.server.dpop.enabled=true",
				"mcp.oauth.server.dpop.nonce.enabled=true",
				"mcp.oauth.client.registrations.self-dpop.server-url=${sample.base-url}/mcp",
				"mcp.oauth.client.registrations.self-dpop.client-id=sample-client",
				"mcp.oauth.client.registrations.self-dpop.client-secret=sample-secret",
				"mcp.oauth.client.registrations.self-dpop.scopes=mcp:tools",
				"mcp.oauth.client.registrations.self-dpop.dpop.enabled=true",
				"mcp.oauth.client.registrations.self-dpop-rest.server-url=${sample.base-url}/mcp",
				"mcp.oauth.client.registrations.self-dpop-rest.client-id=sample-client",
				"mcp.oauth.client.registrations.self-dpop-rest.client-secret=sample-secret",
				"mcp.oauth.client.registrations.self-dpop-rest.scopes=mcp:tools",
				"mcp.oauth.client.registrations.self-dpop-rest.dpop.enabled=true",
				"mcp.oauth.client.registrations.self-dpop-rest.dpop.algorithm=RS256" })
class ClientDPoPEndToEndTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	McpOAuthClients clients;

	@Autowired
	List<Recorded> recorded;

	@BeforeEach
	void clear() {
		this.recorded.clear();
	}

	@Test
	void theMcpSdkClientCallsAndStepsUpWithDPoPBoundTokensAndTheServersNonce() throws Exception {
		HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(BASE)
			.endpoint("/mcp");
		new McpSdkTransportAuthorization(this.clients.authorization("self-dpop"), this.clients.maxStepUps())
			.applyTo(transport);
		try (McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(20)).build()) {
			client.initialize();
			assertThat(EmbeddedAuthorizationServerTests.text(client.callTool(new CallToolRequest("whoami", Map.of()))))
				.isEqualTo("subject=sample-client audience=[" + BASE + "/mcp] scopes=mcp:tools");
			assertThat(EmbeddedAuthorizationServerTests
				.text(client.callTool(new CallToolRequest("admin-report", Map.of())))).startsWith("admin report for");
		}
		List<Recorded> tokenRequests = requestsTo("/oauth2/token");
		assertThat(tokenRequests).hasSize(2).allSatisfy((request) -> {
			assertThat(request.status()).isEqualTo(200);
			assertThat(request.proof()).isNotNull();
		});
		String key = jwkThumbprint(tokenRequests.get(0).proof());
		assertThat(jwkThumbprint(tokenRequests.get(1).proof())).isEqualTo(key);
		List<Recorded> mcp = requestsTo("/mcp").stream().filter((request) -> request.authorization() != null).toList();
		assertThat(mcp).allSatisfy((request) -> {
			assertThat(request.authorization()).startsWith("DPoP ");
			assertThat(jwkThumbprint(request.proof())).isEqualTo(key);
			assertThat(cnfJkt(request.authorization().substring(5))).isEqualTo(key);
		});
		assertThat(mcp.get(0).status()).as("the first proof lacks the server's nonce").isEqualTo(401);
		assertThat(nonce(mcp.get(0).proof())).isNull();
		assertThat(mcp.subList(1, mcp.size())).extracting((request) -> nonce(request.proof())).doesNotContainNull();
		assertThat(mcp).extracting(Recorded::status).contains(403).last().isEqualTo(200);
		assertThat(mcp).extracting((request) -> claim(request.proof(), "jti")).doesNotHaveDuplicates();
	}

	@Test
	void theRestClientInterceptorPresentsTheBoundTokenWithAProofAndTheNonce() {
		RestClient rest = RestClient.builder()
			.requestInterceptor(this.clients.restClientInterceptor("self-dpop-rest"))
			.build();
		String body = rest.post()
			.uri(BASE + "/mcp")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM)
			.body(Http.INITIALIZE)
			.retrieve()
			.body(String.class);
		assertThat(body).contains("\"result\"");
		// no token before the challenge names the authorization server; then the token without, and with, the nonce
		assertThat(requestsTo("/mcp")).extracting(Recorded::status).containsExactly(401, 401, 200);
		assertThat(requestsTo("/mcp").get(0).authorization()).isNull();
		assertThat(nonce(requestsTo("/mcp").get(1).proof())).isNull();
		assertThat(requestsTo("/mcp")).last().satisfies((request) -> {
			assertThat(request.authorization()).startsWith("DPoP ");
			assertThat(nonce(request.proof())).isNotNull();
			assertThat(SignedJWT.parse(request.proof()).getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		});
	}

	private List<Recorded> requestsTo(String path) {
		return this.recorded.stream()
			.filter((request) -> request.path().equals(path) && request.method().equals("POST"))
			.toList();
	}

	private static String jwkThumbprint(String proof) {
		try {
			return SignedJWT.parse(proof).getHeader().getJWK().computeThumbprint().toString();
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	private static String nonce(String proof) {
		Object nonce = claim(proof, "nonce");
		return (nonce != null) ? nonce.toString() : null;
	}

	private static Object claim(String proof, String name) {
		try {
			return SignedJWT.parse(proof).getJWTClaimsSet().getClaim(name);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Object cnfJkt(String token) {
		Map<String, Object> claims = Http
			.json(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
		return ((Map<String, Object>) claims.get("cnf")).get("jkt");
	}

	/**
	 * A request as the server received it: its method, path, {@code Authorization} and {@code DPoP} headers, and the
	 * status of its answer.
	 */
	record Recorded(String method, String path, String authorization, String proof, int status) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Recorder {

		@Bean
		List<Recorded> recorded() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		FilterRegistrationBean<Filter> dpopRecordingFilter(List<Recorded> recorded) {
			Filter filter = (request, response, chain) -> {
				chain.doFilter(request, response);
				HttpServletRequest http = (HttpServletRequest) request;
				if (http.getRequestURI().equals("/mcp") || http.getRequestURI().equals("/oauth2/token")) {
					recorded.add(new Recorded(http.getMethod(), http.getRequestURI(), http.getHeader("Authorization"),
							http.getHeader("DPoP"), ((HttpServletResponse) response).getStatus()));
				}
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
