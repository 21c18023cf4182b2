package dev.mcpoauth.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClientProperties.Registration;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import dev.mcpoauth.discovery.HttpsPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * What a client pays per outgoing MCP request once a token is cached: {@link McpAuthorization#tokenForRequest()}.
 * The token endpoint is a local function, asked once in set-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenAttachBenchmark {

	private McpAuthorization authorization;

	@Setup
	public void setUp() {
		Registration registration = new Registration();
		registration.setServerUrl(URI.create("https://mcp.example/mcp"));
		registration.setTokenUri(URI.create("https://as.example/token"));
		registration.setClientId("client");
		registration.setClientSecret("secret");
		this.authorization = new McpAuthorization("bench", registration,
				new McpServerDiscovery(new DefaultResourceRetriever(), new HttpsPolicy(false)),
				(target) -> (scopes, subject) -> OAuth2AccessTokenResponse.withToken("cached-token")
					.tokenType(OAuth2AccessToken.TokenType.BEARER)
					.expiresIn(3600)
					.build(),
				() -> null, Duration.ofSeconds(30), Clock.systemUTC());
		this.authorization.accessToken();
	}

	@Benchmark
	public String attachCachedToken() {
		return this.authorization.tokenForRequest();
	}

}
