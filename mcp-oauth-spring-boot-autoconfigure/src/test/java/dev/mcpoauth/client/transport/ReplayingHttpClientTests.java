package dev.mcpoauth.client.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.client.RequestCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplayingHttpClient} (the MCP SDK 2.0 path) against a real loopback server: a refused request is replayed
 * with the new token, its refused body never reaches the caller, replays are bounded, and a refusal the decision
 * declines reaches the caller as it came.
 */
class ReplayingHttpClientTests {

	private final StubHttpServer server = new StubHttpServer();

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void aRefusedRequestIsReplayedWithTheNewTokenAndOnlyTheFinalAnswerIsSeen() throws Exception {
		this.server.handle("/mcp", (request) -> "Bearer new".equals(request.header("Authorization"))
				? Response.json("{\"ok\":true}")
				: new Response(403, "refused body", Map.of("WWW-Authenticate", "Bearer error=\"insufficient_scope\"")));
		AtomicInteger decisions = new AtomicInteger();
		HttpClient client = new ReplayingHttpClient.Builder(HttpClient.newBuilder(), (request, response) -> {
			decisions.incrementAndGet();
			return new RequestCredentials("Bearer new", null);
		}, 3).build();
		HttpResponse<String> response = client.send(post("old"), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"ok\":true}");
		assertThat(this.server.requestsTo("/mcp")).extracting((request) -> request.header("Authorization"))
			.containsExactly("Bearer old", "Bearer new");
		assertThat(this.server.requestsTo("/mcp")).extracting(StubHttpServer.Request::body)
			.containsOnly("{\"jsonrpc\":\"2.0\"}");
		assertThat(decisions).hasValue(1);
	}

	@Test
	void aDPoPReplayCarriesTheNewProofInsteadOfTheRefusedOne() throws Exception {
		this.server.handle("/mcp", (request) -> "new-proof".equals(request.header("DPoP"))
				? Response.json("{\"ok\":true}")
				: new Response(401, "", Map.of("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")));
		HttpClient client = new ReplayingHttpClient.Builder(HttpClient.newBuilder(),
				(request, response) -> new RequestCredentials("DPoP token", "new-proof"), 1)
			.build();
		HttpRequest refused = HttpRequest.newBuilder(URI.create(this.server.url() + "/mcp"))
			.header("Authorization", "DPoP token")
			.header("DPoP", "old-proof")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		assertThat(client.send(refused, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		StubHttpServer.Request replay = this.server.requestsTo("/mcp").get(1);
		assertThat(replay.headers().get("DPoP")).containsExactly("new-proof");
		assertThat(replay.headers().get("Authorization")).containsExactly("DPoP token");
	}

	@Test
	void replaysAreBoundedAndTheLastRefusalReachesTheCaller() throws Exception {
		this.server.handle("/mcp", (request) -> new Response(401, "no", Map.of("WWW-Authenticate", "Bearer")));
		HttpClient client = new ReplayingHttpClient.Builder(HttpClient.newBuilder(),
				(request, response) -> new RequestCredentials("Bearer again", null), 2)
			.build();
		HttpResponse<String> response = client.sendAsync(post("t"), HttpResponse.BodyHandlers.ofString()).get();
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).isEqualTo("no");
		assertThat(this.server.requestsTo("/mcp")).hasSize(3);
	}

	@Test
	void aDeclinedRefusalReachesTheCallerAsItCame() throws Exception {
		this.server.handle("/mcp", (request) -> new Response(403, "forbidden", Map.of()));
		HttpClient client = new ReplayingHttpClient.Builder(HttpClient.newBuilder(), (request, response) -> null, 2)
			.build();
		HttpResponse<String> response = client.send(post("t"), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).isEqualTo("forbidden");
		assertThat(this.server.requestsTo("/mcp")).hasSize(1);
	}

	private HttpRequest post(String token) {
		return HttpRequest.newBuilder(URI.create(this.server.url() + "/mcp"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\"}"))
			.build();
	}

}
