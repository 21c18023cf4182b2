package dev.mcpoauth.client;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTParser;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubEnterpriseIdp;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.StubMcpAuthorizationServer;
import dev.mcpoauth.TestClock;
import dev.mcpoauth.client.McpOAuthClientProperties.Flow;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.client.token.AssertionSigningKey;
import dev.mcpoauth.client.token.ClientCredentialsTokenClient;
import dev.mcpoauth.client.token.CrossAppAccessTokenClient;
import dev.mcpoauth.client.token.McpTokenClient;
import dev.mcpoauth.client.token.NimbusClientAssertionFactory;
import dev.mcpoauth.client.token.TokenEndpointTarget;
import dev.mcpoauth.client.token.TokenEndpoints;
import dev.mcpoauth.client.transport.McpOAuthClientHttpRequestInterceptor;
import dev.mcpoauth.client.transport.McpSdkTransportAuthorization;
import dev.mcpoauth.discovery.HttpsPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The client against a hostile MCP server, over real HTTP on loopback: the MCP server, the authorization server the
 * registration trusts and another one each record every request they receive. A server that switches authorization
 * servers after a first token, that names plain-http URLs, that alternates {@code resource_metadata}, that answers
 * 401 forever, or that asks for a scope the authorization server refuses: each test asserts what the client sends
 * where (no credential ever reaches an authorization server other than the bound one) and that it recovers.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileMcpServerTests {

	private static final String SECRET = "s3cret-" + UUID.randomUUID();

	private static final String KEY_JSON = Jwts.ec().toJSONString();

	/** Past the client's re-discovery cool-down. */
	private static final Duration LATER = Duration.ofMinutes(2);

	private final TestClock clock = new TestClock();

	private final StubHttpServer mcp = new StubHttpServer();

	private final TokenIssuer trusted = new TokenIssuer();

	private final TokenIssuer other = new TokenIssuer();

	private final AtomicReference<Function<Request, Response>> behaviour = new AtomicReference<>(this::accepting);

	HostileMcpServerTests() {
		this.mcp.handle("/mcp", (request) -> this.behaviour.get().apply(request));
		this.mcp.serve("/prm/trusted", protectedResource(this.trusted.issuer()));
		this.mcp.serve("/prm/trusted-again", protectedResource(this.trusted.issuer()));
		this.mcp.serve("/prm/other", protectedResource(this.other.issuer()));
	}

	@AfterEach
	void stop() {
		this.mcp.close();
		this.trusted.close();
		this.other.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "client_secret_basic", "client_secret_post", "private_key_jwt" })
	void switchingAuthorizationServersAfterAFirstTokenSendsNoCredentialElsewhere(String method, CapturedOutput output) {
		McpAuthorization authorization = authorization(clientCredentials(method));
		assertThat(call(authorization, "{}")).isEqualTo(200);
		assertThat(this.trusted.tokenRequests()).hasSize(1);

		this.behaviour.set((request) -> unauthorized("/prm/other", null));
		this.clock.advance(LATER);
		assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization, "{}"))
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("authorization_server_changed");
				assertThat(ex.getMessage()).contains(this.trusted.issuer(), this.other.issuer()).doesNotContain(SECRET);
			});
		assertThat(this.other.http.requests()).as("nothing at all reaches the other authorization server").isEmpty();
		assertThat(this.trusted.tokenRequests()).hasSize(1);
		assertThat(output).contains("WARN", this.trusted.issuer(), this.other.issuer()).doesNotContain(SECRET);

		this.behaviour.set(this::accepting);
		assertThat(call(authorization, "{}")).as("the held token of the bound issuer still works").isEqualTo(200);
		this.behaviour.set((request) -> unauthorized("/prm/other", null));
		this.clock.advance(LATER);
		assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization, "{}"));
		assertThat(this.other.http.requests()).isEmpty();
	}

	@Test
	void switchingAuthorizationServersSendsNoIdTokenAndNoIdJagRequestElsewhere() {
		try (StubEnterpriseIdp idp = new StubEnterpriseIdp("idp-client", "idp-secret", "client-1");
				StubMcpAuthorizationServer bound = new StubMcpAuthorizationServer(idp, "client-1", SECRET);
				StubMcpAuthorizationServer elsewhere = new StubMcpAuthorizationServer(idp, "client-1", SECRET)) {
			idp.expect(bound.issuer(), mcpUrl(), null);
			this.mcp.serve("/prm/trusted", protectedResource(bound.issuer()));
			this.mcp.serve("/prm/other", protectedResource(elsewhere.issuer()));
			this.behaviour.set((request) -> issuedBy(request, bound.issuer()) ? Response.json("{}")
					: unauthorized("/prm/trusted", null));
			Registration registration = registration();
			registration.setFlow(Flow.CROSS_APP_ACCESS);
			registration.setClientSecret(SECRET);
			registration.getCrossAppAccess().setIdpTokenUri(URI.create(idp.tokenUri()));
			registration.getCrossAppAccess().setIdpClientId("idp-client");
			registration.getCrossAppAccess().setIdpClientSecret("idp-secret");
			String idToken = idp.idToken("alice");
			McpAuthorization authorization = authorization(registration, () -> idToken);
			assertThat(call(authorization, "{}")).isEqualTo(200);
			assertThat(idp.exchanges()).isEqualTo(1);
			assertThat(bound.tokenRequests()).isEqualTo(1);

			this.behaviour.set((request) -> unauthorized("/prm/other", null));
			this.clock.advance(LATER);
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization, "{}"))
				.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("authorization_server_changed"));
			assertThat(idp.exchanges()).as("no ID token sent for another audience").isEqualTo(1);
			assertThat(elsewhere.tokenRequests()).isZero();
		}
	}

	@Test
	void authorizationServerMetadataNamingAnotherIssuerSendsNoCredentialElsewhere() {
		McpAuthorization authorization = authorization(clientCredentials("client_secret_basic"));
		assertThat(call(authorization, "{}")).isEqualTo(200);

		this.trusted.http.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + this.other.issuer()
				+ "\",\"token_endpoint\":\"" + this.other.issuer() + "/token\"}");
		this.behaviour.set((request) -> unauthorized("/prm/trusted-again", null));
		this.clock.advance(LATER);
		assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization, "{}"))
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("discovery_failed"))
			.withMessageContaining("mix-up");
		assertThat(this.other.http.requests()).isEmpty();
		assertThat(this.trusted.tokenRequests()).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "challenge", "authorization-server", "token-endpoint", "localhost-subdomain" })
	void plainHttpUrlsNamedByARemoteServerAreRefused(String where) {
		try (StubHttpServer listener = new StubHttpServer()) {
			String local = "http://127.0.0.1:" + URI.create(listener.url()).getPort();
			this.mcp.serve("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"https://remote.example/mcp\","
					+ "\"authorization_servers\":[\"" + ("authorization-server".equals(where) ? local
							: "https://remote.example/as") + "\"]}");
			this.mcp.serve("/.well-known/oauth-authorization-server/as", "{\"issuer\":\"https://remote.example/as\","
					+ "\"token_endpoint\":\"" + local + "/token\"}");
			listener.serve("/prm", "{\"resource\":\"https://remote.example/mcp\",\"authorization_servers\":[\"" + local
					+ "\"]}");
			listener.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + local
					+ "\",\"token_endpoint\":\"" + local + "/token\"}");
			listener.serve("/token", "{\"access_token\":\"stolen\",\"token_type\":\"Bearer\",\"expires_in\":60}");
			Registration registration = clientCredentials("client_secret_post");
			registration.setServerUrl(URI.create("https://remote.example/mcp"));
			McpAuthorization authorization = authorization(registration, () -> null, new RemoteAtStub(this.mcp), false);
			String challenged = switch (where) {
				case "challenge" -> local + "/prm";
				case "localhost-subdomain" -> "http://evil.localhost:" + URI.create(listener.url()).getPort() + "/prm";
				default -> null;
			};
			assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> {
				if (challenged != null) {
					authorization.onErrorResponse(401, List.of("Bearer resource_metadata=\"" + challenged + "\""), null);
				}
				else {
					authorization.accessToken();
				}
			}).withMessageContaining("must use https").withMessageNotContaining(SECRET);
			assertThat(listener.requests()).as("nothing reaches the loopback listener").isEmpty();
		}
	}

	@Test
	void theOptInLetsARemoteServerNamePlainHttp() {
		try (StubHttpServer listener = new StubHttpServer()) {
			String local = "http://127.0.0.1:" + URI.create(listener.url()).getPort();
			this.mcp.serve("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"https://remote.example/mcp\","
					+ "\"authorization_servers\":[\"" + local + "\"]}");
			listener.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + local
					+ "\",\"token_endpoint\":\"" + local + "/token\"}");
			listener.serve("/token", "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":60}");
			Registration registration = clientCredentials("client_secret_post");
			registration.setServerUrl(URI.create("https://remote.example/mcp"));
			assertThat(authorization(registration, () -> null, new RemoteAtStub(this.mcp), true).accessToken())
				.isEqualTo("t");
			assertThat(listener.requestsFor("/token")).isEqualTo(1);
		}
	}

	@Test
	void alternatingResourceMetadataCausesAtMostOneDiscoveryPerCoolDown() {
		McpAuthorization authorization = authorization(clientCredentials("client_secret_basic"));
		AtomicInteger responses = new AtomicInteger();
		this.behaviour.set((request) -> unauthorized(
				(responses.incrementAndGet() % 2 == 0) ? "/prm/trusted" : "/prm/trusted-again", null));
		for (int i = 0; i < 4; i++) {
			assertThat(call(authorization, "{}")).isEqualTo(401);
		}
		assertThat(discoveries()).isEqualTo(1);
		this.clock.advance(LATER);
		assertThat(call(authorization, "{}")).isEqualTo(401);
		assertThat(discoveries()).isEqualTo(2);
		assertThat(this.other.http.requests()).isEmpty();

		this.behaviour.set(this::accepting);
		assertThat(call(authorization, "{}")).as("recovers").isEqualTo(200);
	}

	@Test
	void endlessUnauthorizedCausesOneReplayAndOneTokenRequestPerCall() {
		McpAuthorization authorization = authorization(clientCredentials("client_secret_basic"));
		this.behaviour.set((request) -> unauthorized("/prm/trusted", null));
		assertThat(call(authorization, "{}")).isEqualTo(401);
		assertThat(this.mcp.requestsFor("/mcp")).as("the request and one replay").isEqualTo(2);
		assertThat(this.trusted.tokenRequests()).hasSize(1);
		assertThat(call(authorization, "{}")).isEqualTo(401);
		assertThat(this.mcp.requestsFor("/mcp")).isEqualTo(4);
		assertThat(this.trusted.tokenRequests()).hasSize(2);

		this.behaviour.set(this::accepting);
		assertThat(call(authorization, "{}")).as("recovers").isEqualTo(200);
		assertThat(this.trusted.tokenRequests()).hasSize(2);
	}

	@Test
	void endlessUnauthorizedThroughTheMcpSdkTransportReplaysOnce() {
		McpAuthorization authorization = authorization(clientCredentials("client_secret_basic"));
		this.behaviour.set((request) -> unauthorized("/prm/trusted", null));
		HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(this.mcp.url())
			.endpoint("/mcp");
		new McpSdkTransportAuthorization(authorization, 2).applyTo(transport);
		try (McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(5)).build()) {
			assertThatException().isThrownBy(client::initialize);
		}
		assertThat(this.mcp.requestsFor("/mcp")).as("the request and one replay").isEqualTo(2);
		assertThat(this.trusted.tokenRequests()).hasSize(1);
	}

	@Test
	void aRefusalNoTokenCanFixReachesTheApplicationWithTheServersErrorAndDescription() {
		McpAuthorization authorization = authorization(clientCredentials("client_secret_basic"));
		this.behaviour.set((request) -> new Response(401, "", Map.of("WWW-Authenticate", "Bearer resource_metadata=\""
				+ this.mcp.url() + "/prm/trusted\", error=\"invalid_token\", error_description=\"the token was revoked\"")));
		HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(this.mcp.url())
			.endpoint("/mcp");
		new McpSdkTransportAuthorization(authorization, 2).applyTo(transport);
		try (McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(5)).build()) {
			assertThatException().isThrownBy(client::initialize).satisfies((ex) -> {
				McpOAuthClientException refusal = ExceptionChain.find(ex, McpOAuthClientException.class);
				assertThat(refusal.getError()).isEqualTo("invalid_token");
				assertThat(refusal.getErrorDescription()).isEqualTo("the token was revoked");
				assertThat(refusal.getHttpStatus()).isEqualTo(401);
				assertThat(refusal.getMessage()).doesNotContain(SECRET);
			});
		}
	}

	@Test
	void aTokenEndpointRedirectIsNotFollowed() {
		this.trusted.http.handle("/token", (request) -> new Response(307, "",
				Map.of("Location", this.other.issuer() + "/token")));
		McpAuthorization authorization = authorization(clientCredentials("client_secret_post"));
		assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization, "{}"))
			.withMessageNotContaining(SECRET);
		assertThat(this.trusted.tokenRequests()).hasSize(1);
		assertThat(this.other.http.requests()).isEmpty();
	}

	@Test
	void aStepUpTheAuthorizationServerRefusesFailsTheCallAndKeepsTheOldScopes() {
		this.trusted.refusedScope.set("admin");
		Registration registration = clientCredentials("client_secret_basic");
		registration.setScopes(List.of("a"));
		McpAuthorization authorization = authorization(registration);
		assertThat(call(authorization, "{}")).isEqualTo(200);
		assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> call(authorization, "admin"))
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_scope");
				assertThat(ex.getHttpStatus()).isEqualTo(400);
				assertThat(ex).hasFieldOrPropertyWithValue("challengedScopes", Set.of("a", "admin"));
				assertThat(ex.getMessage()).contains("a admin").doesNotContain(SECRET);
			});
		assertThat(this.trusted.tokenRequests().stream().map((request) -> request.form().get("scope")))
			.containsExactly("a", "a admin");

		assertThat(call(authorization, "{}")).as("a call that needs the old scopes works").isEqualTo(200);
		assertThat(this.trusted.tokenRequests()).as("with the old token").hasSize(2);
		assertThatExceptionOfType(McpOAuthClientException.class).as("the step-up is tried again, not remembered")
			.isThrownBy(() -> call(authorization, "admin"));
		this.trusted.refusedScope.set(null);
		assertThat(call(authorization, "admin")).as("and succeeds once granted").isEqualTo(200);
		assertThat(call(authorization, "{}")).isEqualTo(200);
		assertThat(this.trusted.tokenRequests().stream().map((request) -> request.form().get("scope")))
			.containsExactly("a", "a admin", "a admin", "a admin");
	}

	@Test
	void aStepUpGrantedWithoutTheChallengedScopeFailsTheCallInsteadOfReplaying() {
		this.trusted.silentlyDroppedScope.set("admin");
		Registration registration = clientCredentials("client_secret_basic");
		registration.setScopes(List.of("a"));
		McpAuthorization authorization = authorization(registration);
		assertThat(call(authorization, "{}")).isEqualTo(200);
		assertThatExceptionOfType(McpOAuthStepUpException.class).isThrownBy(() -> call(authorization, "admin"))
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("invalid_scope");
				assertThat(ex.getChallengedScopes()).containsExactlyInAnyOrder("a", "admin");
			});
		assertThat(this.trusted.tokenRequests()).as("one step-up request, no replay loop").hasSize(2);
		assertThat(call(authorization, "{}")).as("the old token still serves calls that need no more").isEqualTo(200);
		assertThat(this.trusted.tokenRequests()).hasSize(2);
	}

	private long discoveries() {
		return this.mcp.requestsFor("/prm/trusted") + this.mcp.requestsFor("/prm/trusted-again");
	}

	/** A call through the RestClient interceptor: its final status. */
	private int call(McpAuthorization authorization, String body) {
		RestClient rest = RestClient.builder()
			.requestInterceptor(new McpOAuthClientHttpRequestInterceptor(authorization, 2))
			.build();
		return rest.post()
			.uri(mcpUrl())
			.body(body)
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toBodilessEntity()
			.getStatusCode()
			.value();
	}

	/** Accepts tokens of the trusted authorization server; a body {@code admin} needs scope {@code admin}. */
	private Response accepting(Request request) {
		String token = bearer(request);
		Set<String> scopes = (token != null) ? this.trusted.issued.get(token) : null;
		if (scopes == null) {
			return unauthorized("/prm/trusted", null);
		}
		if (request.body().equals("admin") && !scopes.contains("admin")) {
			return new Response(403, "", Map.of("WWW-Authenticate", "Bearer error=\"insufficient_scope\", "
					+ "scope=\"a admin\", resource_metadata=\"" + this.mcp.url() + "/prm/trusted\""));
		}
		return Response.json("{}");
	}

	private Response unauthorized(String metadataPath, String scope) {
		String challenge = "Bearer resource_metadata=\"" + this.mcp.url() + metadataPath + "\""
				+ ((scope != null) ? ", scope=\"" + scope + "\"" : "");
		return new Response(401, "", Map.of("WWW-Authenticate", challenge));
	}

	private static boolean issuedBy(Request request, String issuer) {
		String token = bearer(request);
		try {
			return token != null && issuer.equals(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
		}
		catch (java.text.ParseException ex) {
			return false;
		}
	}

	private static String bearer(Request request) {
		String authorization = request.header("Authorization");
		return (authorization != null && authorization.startsWith("Bearer ")) ? authorization.substring(7) : null;
	}

	private String mcpUrl() {
		return this.mcp.url() + "/mcp";
	}

	private String protectedResource(String issuer) {
		return "{\"resource\":\"" + mcpUrl() + "\",\"authorization_servers\":[\"" + issuer + "\"]}";
	}

	private Registration registration() {
		Registration registration = new Registration();
		registration.setServerUrl(URI.create(mcpUrl()));
		registration.setClientId("client-1");
		return registration;
	}

	private Registration clientCredentials(String method) {
		Registration registration = registration();
		registration.setClientAuthenticationMethod(method);
		if ("private_key_jwt".equals(method)) {
			registration.setPrivateKeyLocation(new ByteArrayResource(KEY_JSON.getBytes(StandardCharsets.UTF_8)));
		}
		else {
			registration.setClientSecret(SECRET);
		}
		return registration;
	}

	private McpAuthorization authorization(Registration registration) {
		return authorization(registration, () -> null);
	}

	private McpAuthorization authorization(Registration registration, IdTokenResolver idTokens) {
		return authorization(registration, idTokens, new DefaultResourceRetriever(2000, 2000, 256 * 1024, false), false);
	}

	/** The registration's authorization, built as the auto-configuration builds it, on the test's clock. */
	private McpAuthorization authorization(Registration registration, IdTokenResolver idTokens,
			ResourceRetriever retriever, boolean allowInsecureHttp) {
		Duration timeout = Duration.ofSeconds(2);
		NimbusClientAssertionFactory assertions = new NimbusClientAssertionFactory(
				Map.of("s", AssertionSigningKey.load(new ByteArrayResource(KEY_JSON.getBytes(StandardCharsets.UTF_8)),
						null, null)),
				Clock.systemUTC());
		TokenEndpoints endpoints = new TokenEndpoints("s", registration, assertions, timeout, timeout);
		Function<TokenEndpointTarget, McpTokenClient> tokenClients = (registration.getFlow() == Flow.CROSS_APP_ACCESS)
				? (target) -> new CrossAppAccessTokenClient(endpoints, target,
						registration.getCrossAppAccess().getIdpTokenUri(), timeout, timeout)
				: (target) -> new ClientCredentialsTokenClient(endpoints, target);
		return new McpAuthorization("s", registration,
				new McpServerDiscovery(retriever, new HttpsPolicy(allowInsecureHttp)), tokenClients, idTokens,
				Duration.ofSeconds(30), this.clock);
	}

	/**
	 * An authorization server on loopback: RFC 8414 metadata and a token endpoint that issues opaque tokens for the
	 * requested scopes (remembered for the MCP server), or refuses a scope with {@code invalid_scope}.
	 */
	static final class TokenIssuer implements AutoCloseable {

		final StubHttpServer http = new StubHttpServer();

		final Map<String, Set<String>> issued = new ConcurrentHashMap<>();

		final AtomicReference<String> refusedScope = new AtomicReference<>();

		final AtomicReference<String> silentlyDroppedScope = new AtomicReference<>();

		TokenIssuer() {
			this.http.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + issuer()
					+ "\",\"token_endpoint\":\"" + issuer() + "/token\"}");
			this.http.handle("/token", this::token);
		}

		String issuer() {
			return this.http.url();
		}

		List<Request> tokenRequests() {
			return this.http.requestsTo("/token");
		}

		private Response token(Request request) {
			String scope = request.form().getOrDefault("scope", "");
			Set<String> scopes = new LinkedHashSet<>(Arrays.asList(scope.split(" ")));
			if (this.refusedScope.get() != null && scopes.contains(this.refusedScope.get())) {
				return new Response(400, "{\"error\":\"invalid_scope\",\"error_description\":\"not for you\"}", Map.of());
			}
			if (this.silentlyDroppedScope.get() != null) {
				scopes.remove(this.silentlyDroppedScope.get());
				scope = String.join(" ", scopes);
			}
			String token = "at-" + UUID.randomUUID();
			this.issued.put(token, scopes);
			return Response.json("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
					+ "\"scope\":\"" + scope + "\"}");
		}

		@Override
		public void close() {
			this.http.close();
		}

	}

	/**
	 * Serves the documents of {@code https://remote.example} from a loopback stub, so that a remote https server
	 * can be staged without a certificate: the URL is rewritten, the request is real HTTP.
	 */
	private record RemoteAtStub(StubHttpServer stub) implements ResourceRetriever {

		private static final String REMOTE = "https://remote.example";

		@Override
		public Resource retrieveResource(URL url) throws IOException {
			String target = url.toString();
			if (target.startsWith(REMOTE)) {
				target = this.stub.url() + target.substring(REMOTE.length());
			}
			return new DefaultResourceRetriever(2000, 2000).retrieveResource(URI.create(target).toURL());
		}

	}

}
