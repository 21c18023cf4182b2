package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that trusts several issuers ({@code mcp.oauth.server.issuers.*}), over real HTTP on loopback: two tenants of
 * one identity provider (issuers {@code /t/a} and {@code /t/b} on one host, keys discovered from each tenant's
 * metadata) and a second identity provider (its JWK Set configured, its own audience). Each token is checked against
 * the keys of the issuer its {@code iss} names, and only if that issuer is listed; an unknown issuer costs no
 * request to any of them; one issuer's outage or flood of unknown {@code kid}s leaves the others alone.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Stack.class)
class SeveralIssuersTests {

	@Parameter
	Stack stack;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final StubHttpServer tenants = new StubHttpServer();

	private final StubHttpServer second = new StubHttpServer();

	private final RSAKey tenantAKey = Jwts.rsa();

	private final RSAKey tenantBKey = Jwts.rsa();

	private final RSAKey secondKey = Jwts.rsa();

	private final AtomicInteger secondStatus = new AtomicInteger(200);

	private WebTestApplication.Running app;

	private String url;

	@BeforeEach
	void start() {
		for (String tenant : new String[] { "a", "b" }) {
			String issuer = tenantA().replace("/t/a", "/t/" + tenant);
			this.tenants.serve("/.well-known/oauth-authorization-server/t/" + tenant,
					"{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/keys\"}");
		}
		this.tenants.serve("/t/a/keys", Jwts.jwks(this.tenantAKey.toPublicJWK()));
		this.tenants.serve("/t/b/keys", Jwts.jwks(this.tenantBKey.toPublicJWK()));
		this.second.handle("/jwks", (request) -> new Response(this.secondStatus.get(),
				Jwts.jwks(this.secondKey.toPublicJWK()), Map.of("Content-Type", "application/json")));
		String issuers = "mcp.oauth.server.issuers.";
		this.app = WebTestApplication.start(this.stack, issuers + "tenant-a.issuer-uri=" + tenantA(),
				issuers + "tenant-b.issuer-uri=" + tenantB(), issuers + "second.issuer-uri=" + this.second.url(),
				issuers + "second.jwk-set-uri=" + this.second.url() + "/jwks",
				issuers + "second.audiences=api://mcp", "mcp.oauth.server.jwks.refresh-cooldown=30s");
		this.url = this.app.url() + "/mcp";
	}

	@AfterEach
	void stop() {
		this.app.close();
		this.tenants.close();
		this.second.close();
	}

	private String tenantA() {
		return this.tenants.url() + "/t/a";
	}

	private String tenantB() {
		return this.tenants.url() + "/t/b";
	}

	private HttpResponse<String> post(String token) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(this.url))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private long requestsToAnyIssuer() {
		return this.tenants.requests().size() + this.second.requests().size();
	}

	@Test
	void eachTrustedIssuersTokensAreAcceptedWithItsOwnKeysAndAudiences() throws Exception {
		assertThat(post(Jwts.sign(this.tenantAKey, tenantA(), this.url)).body()).isEqualTo("ok:{}");
		assertThat(post(Jwts.sign(this.tenantBKey, tenantB(), this.url)).body()).isEqualTo("ok:{}");
		assertThat(post(Jwts.sign(this.secondKey, this.second.url(), "api://mcp")).body()).isEqualTo("ok:{}");
		assertThat(post(Jwts.sign(this.secondKey, this.second.url(), this.url)).statusCode())
			.as("the second issuer's own audiences replace the resource for its tokens")
			.isEqualTo(401);
		assertThat(post(Jwts.sign(this.tenantAKey, tenantA(), "api://mcp")).statusCode())
			.as("but only for its tokens")
			.isEqualTo(401);
		String metadata = HTTP.send(HttpRequest.newBuilder(URI.create(this.app.url()
				+ "/.well-known/oauth-protected-resource/mcp")).build(), HttpResponse.BodyHandlers.ofString()).body();
		assertThat(JsonMapper.builder().build().readTree(metadata).get("authorization_servers").valueStream()
			.map(JsonNode::asString)).containsExactlyInAnyOrder(tenantA(), tenantB(), this.second.url());
	}

	@Test
	void aTokenIsNeverVerifiedWithAnotherIssuersKeys() throws Exception {
		assertThat(post(Jwts.sign(this.tenantBKey, tenantA(), this.url)).statusCode())
			.as("tenant a's iss, tenant b's key").isEqualTo(401);
		assertThat(post(Jwts.sign(this.tenantAKey, tenantB(), this.url)).statusCode()).isEqualTo(401);
		assertThat(post(Jwts.sign(this.secondKey, tenantA(), this.url)).statusCode()).isEqualTo(401);
		assertThat(post(Jwts.sign(this.tenantAKey, this.second.url(), "api://mcp")).statusCode()).isEqualTo(401);
		assertThat(post(Jwts.sign(this.tenantAKey, tenantA(), this.url)).body()).as("the keys themselves work")
			.isEqualTo("ok:{}");
	}

	@Test
	void aTokenOfAnIssuerNotListedCostsNoRequestToAnyIssuer() throws Exception {
		RSAKey attacker = Jwts.rsa();
		long before = requestsToAnyIssuer();
		for (String issuer : new String[] { "https://attacker.example", tenantA() + "/", tenantA().toUpperCase(),
				this.tenants.url() + "/t", this.tenants.url() + "/t/c", this.second.url() + "/" }) {
			HttpResponse<String> refused = post(Jwts.sign(attacker, issuer, this.url));
			assertThat(refused.statusCode()).as(issuer).isEqualTo(401);
			assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).as(issuer)
				.contains("error=\"invalid_token\"")
				.contains("issuer is not trusted");
		}
		assertThat(post(Jwts.sign(attacker, null, this.url)).statusCode()).as("no iss").isEqualTo(401);
		assertThat(post(Jwts.unsigned(tenantA(), this.url)).statusCode()).as("alg none").isEqualTo(401);
		assertThat(post("not.a-jwt.at-all").statusCode()).as("not a JWT").isEqualTo(401);
		assertThat(post(Jwts.sign(attacker, tenantA(), this.url).replaceFirst("^[^.]+", "eyJ")).statusCode())
			.as("an unreadable header").isEqualTo(401);
		assertThat(requestsToAnyIssuer()).isEqualTo(before);
	}

	@Test
	void anIssuerThatIsDownOrFloodedLeavesTheOthersAlone() throws Exception {
		this.secondStatus.set(500);
		HttpResponse<String> down = post(Jwts.sign(this.secondKey, this.second.url(), "api://mcp"));
		assertThat(down.statusCode()).as("never a 500").isEqualTo(401);
		assertThat(post(Jwts.sign(this.tenantAKey, tenantA(), this.url)).body()).isEqualTo("ok:{}");
		for (int i = 0; i < 20; i++) {
			RSAKey unknownKid = new RSAKey.Builder(this.tenantBKey).keyID(UUID.randomUUID().toString()).build();
			assertThat(post(Jwts.sign(unknownKid, tenantB(), this.url)).statusCode()).isEqualTo(401);
		}
		assertThat(this.tenants.requestsFor("/t/b/keys")).as("one JWK Set fetch per cool-down for the flooded tenant")
			.isEqualTo(1);
		assertThat(post(Jwts.sign(this.tenantAKey, tenantA(), this.url)).body()).isEqualTo("ok:{}");
		assertThat(this.tenants.requestsFor("/t/a/keys")).as("the other tenant's keys stay cached").isEqualTo(1);
	}

}
