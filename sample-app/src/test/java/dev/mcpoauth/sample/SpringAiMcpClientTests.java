package dev.mcpoauth.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring AI MCP client configured with properties only ({@code client-demo} profile plus a third connection for
 * client_secret_post) calls the sample's MCP server; the real Spring Authorization Server of the sample issues the
 * tokens and verifies the private_key_jwt assertions. The token requests are recorded on the way in.
 */
@SpringBootTest(classes = { SampleApplication.class, SpringAiMcpClientTests.TokenRequestRecorder.class },
		webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "server.shutdown=immediate", "sample.client-demo.exit-when-done=false",
				"spring.ai.mcp.client.streamable-http.connections.self-post.url=${sample.base-url}",
				"spring.ai.mcp.client.streamable-http.connections.self-post.endpoint=/mcp",
				"mcp.oauth.client.registrations.self-post.server-url=${sample.base-url}/mcp",
				"mcp.oauth.client.registrations.self-post.client-id=sample-client",
				"mcp.oauth.client.registrations.self-post.client-secret=sample-secret",
				"mcp.oauth.client.registrations.self-post.client-authentication-method=client_secret_post",
				"mcp.oauth.client.registrations.self-post.scopes=mcp:tools" })
@ActiveProfiles("client-demo")
class SpringAiMcpClientTests {

	static final int PORT = TestPorts.free();

	static final String BASE = "http://localhost:" + PORT;

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@Autowired
	List<McpSyncClient> clients;

	@Autowired
	List<Map<String, String>> tokenRequests;

	@Test
	void everyConnectionCallsTheToolsWithItsOwnClientAuthentication() {
		assertThat(this.clients).hasSize(3);
		for (McpSyncClient client : this.clients) {
			client.initialize();
			String whoami = EmbeddedAuthorizationServerTests.text(client.callTool(new CallToolRequest("whoami", Map.of())));
			assertThat(whoami).matches("subject=sample(-jwt)?-client audience=\\[" + BASE + "/mcp\\] scopes=.*mcp:tools.*");
		}
		assertThat(this.tokenRequests).allSatisfy((form) -> {
			assertThat(form).containsEntry("grant_type", "client_credentials").containsEntry("resource", BASE + "/mcp");
			assertThat(form.get("scope")).contains("mcp:tools");
		});
		assertThat(this.tokenRequests).anySatisfy((form) -> assertThat(form).containsEntry("auth", "basic")
			.doesNotContainKey("client_secret"));
		assertThat(this.tokenRequests).anySatisfy((form) -> assertThat(form).containsEntry("auth", "none")
			.containsEntry("client_id", "sample-client")
			.containsKey("client_secret"));
		assertThat(this.tokenRequests).anySatisfy((form) -> assertThat(form)
			.containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
			.doesNotContainKey("client_secret"));
	}

	@Test
	void theClientAssertionIsSignedByTheDemoKeyAndNamesTheIssuer() throws Exception {
		ECKey demoKey;
		try (var in = new ClassPathResource("demo-client/demo-only-private-key.jwk.json").getInputStream()) {
			demoKey = (ECKey) JWK.parse(new String(in.readAllBytes()));
		}
		for (McpSyncClient client : this.clients) {
			client.initialize();
		}
		List<String> assertions = this.tokenRequests.stream()
			.map((form) -> form.get("client_assertion"))
			.filter(java.util.Objects::nonNull)
			.toList();
		assertThat(assertions).isNotEmpty();
		for (String assertion : assertions) {
			SignedJWT jwt = SignedJWT.parse(assertion);
			assertThat(jwt.verify(new ECDSAVerifier(demoKey.toPublicJWK()))).isTrue();
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			assertThat(claims.getIssuer()).isEqualTo("sample-jwt-client");
			assertThat(claims.getSubject()).isEqualTo("sample-jwt-client");
			assertThat(claims.getAudience()).containsExactly(BASE);
			assertThat(jwt.getHeader().getKeyID()).isEqualTo("sample-demo-client-key");
		}
	}

	@Test
	void aToolThatNeedsMoreScopeIsReachedByStepUp() {
		for (McpSyncClient client : this.clients) {
			client.initialize();
			String report = EmbeddedAuthorizationServerTests
				.text(client.callTool(new CallToolRequest("admin-report", Map.of())));
			assertThat(report).startsWith("admin report for").contains("mcp:admin");
		}
		assertThat(this.tokenRequests).anySatisfy((form) -> assertThat(form.get("scope")).contains("mcp:admin"));
	}

	/**
	 * Records the form of every request to the embedded authorization server's token endpoint, and how the client
	 * authenticated ("basic" for an Authorization header, else "none").
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class TokenRequestRecorder {

		@Bean
		List<Map<String, String>> tokenRequests() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		FilterRegistrationBean<Filter> tokenRequestRecordingFilter(List<Map<String, String>> tokenRequests) {
			Filter filter = (request, response, chain) -> {
				HttpServletRequest http = (HttpServletRequest) request;
				if (http.getRequestURI().equals("/oauth2/token")) {
					Map<String, String> form = new java.util.LinkedHashMap<>();
					http.getParameterMap().forEach((name, values) -> form.put(name, values[0]));
					form.put("auth", (http.getHeader("Authorization") != null) ? "basic" : "none");
					tokenRequests.add(form);
				}
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
