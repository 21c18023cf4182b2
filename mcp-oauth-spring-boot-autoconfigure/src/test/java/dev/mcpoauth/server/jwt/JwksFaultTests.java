package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Request;
import dev.mcpoauth.StubHttpServer.Response;
import dev.mcpoauth.server.McpOAuthServerProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JWK Set under stress and faults, against a real loopback server whose answers the test switches: one fetch
 * per cool-down however many unknown {@code kid}s arrive, single-flight, cached keys that keep validating while the
 * endpoint is down or answers garbage, and requests that fail within the configured timeouts when it is slow.
 */
class JwksFaultTests {

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private final StubHttpServer idp = new StubHttpServer();

	private final RSAKey key = Jwts.rsa();

	private final AtomicReference<Function<Request, Response>> jwks = new AtomicReference<>(
			(request) -> Response.json(Jwts.jwks(this.key.toPublicJWK())));

	JwksFaultTests() {
		this.idp.handle("/jwks", (request) -> this.jwks.get().apply(request));
	}

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private JwtDecoder decoder(Duration ttl, Duration cooldown, Duration readTimeout) {
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(URI.create(this.idp.url()));
		properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		properties.getJwks().setCacheTtl(ttl);
		properties.getJwks().setRefreshCooldown(cooldown);
		properties.getJwks().setReadTimeout(readTimeout);
		return AccessTokenDecoders.create(properties);
	}

	private String token() {
		return Jwts.sign(this.key, this.idp.url(), AUDIENCE);
	}

	private String unknownKid() {
		return Jwts.sign(new RSAKey.Builder(this.key).keyID(UUID.randomUUID().toString()).build(), this.idp.url(), AUDIENCE);
	}

	private long fetches() {
		return this.idp.requestsFor("/jwks");
	}

	@Test
	void fiftyConcurrentFirstRequestsCauseOneFetch() throws Exception {
		this.jwks.set((request) -> Response.slow(Duration.ofMillis(300), Response.json(Jwts.jwks(this.key.toPublicJWK()))));
		JwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(3));
		String token = token();
		ExecutorService pool = Executors.newFixedThreadPool(50);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<String>> subjects = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				Callable<String> decode = () -> {
					start.await();
					return decoder.decode(token).getSubject();
				};
				subjects.add(pool.submit(decode));
			}
			start.countDown();
			for (Future<String> subject : subjects) {
				assertThat(subject.get()).isEqualTo("user");
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void unknownKidsCauseAtMostOneFetchPerCooldown() throws Exception {
		// a cool-down long enough for 100 refusals on a loaded machine (500 ms was not, at a load of 8 on 2 cores)
		JwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofSeconds(3));
		decoder.decode(token());
		for (int i = 0; i < 100; i++) {
			String hostile = unknownKid();
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(hostile));
		}
		assertThat(fetches()).as("within the first cool-down").isEqualTo(1);
		Thread.sleep(2100);
		for (int i = 0; i < 100; i++) {
			String hostile = unknownKid();
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(hostile));
		}
		assertThat(fetches()).as("one more in the next cool-down").isEqualTo(2);
		assertThat(decoder.decode(token()).getSubject()).isEqualTo("user");
	}

	/**
	 * With the default settings, a key the authorization server publishes is accepted within 5 s, although a flood
	 * of unknown {@code kid}s (an attacker's) runs all along and still causes at most one JWK Set request per
	 * cool-down.
	 */
	@Test
	void aRotationIsAcceptedWithinFiveSecondsWhileAFloodOfUnknownKidsFetchesOncePerCooldown() throws Exception {
		McpOAuthServerProperties.Jwks defaults = new McpOAuthServerProperties().getJwks();
		JwtDecoder decoder = decoder(defaults.getCacheTtl(), defaults.getRefreshCooldown(), defaults.getReadTimeout());
		decoder.decode(token());
		RSAKey rotated = Jwts.rsa();
		Duration flood = Duration.ofSeconds(8);
		ExecutorService attacker = Executors.newSingleThreadExecutor();
		long floodStart = System.nanoTime();
		Future<Integer> refused = attacker.submit(() -> {
			int count = 0;
			while (System.nanoTime() - floodStart < flood.toNanos()) {
				String hostile = unknownKid();
				assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(hostile));
				count++;
				Thread.sleep(5);
			}
			return count;
		});
		try {
			Thread.sleep(1000);
			this.jwks.set((request) -> Response.json(Jwts.jwks(this.key.toPublicJWK(), rotated.toPublicJWK())));
			long published = System.nanoTime();
			String token = Jwts.sign(rotated, this.idp.url(), AUDIENCE);
			Duration waited = null;
			while (waited == null && System.nanoTime() - published < Duration.ofSeconds(7).toNanos()) {
				try {
					decoder.decode(token);
					waited = Duration.ofNanos(System.nanoTime() - published);
				}
				catch (JwtException ex) {
					Thread.sleep(50);
				}
			}
			assertThat(waited).as("the rotated key is accepted").isNotNull();
			assertThat(waited).as("within 5 s of its publication").isLessThanOrEqualTo(Duration.ofMillis(5250));
			assertThat(refused.get()).as("tokens with unknown kids refused meanwhile").isGreaterThan(100);
		}
		finally {
			attacker.shutdownNow();
		}
		long cooldowns = flood.toMillis() / defaults.getRefreshCooldown().toMillis() + 1;
		assertThat(fetches()).as("at most one fetch per cool-down over the flood").isLessThanOrEqualTo(1 + cooldowns);
	}

	@Test
	void knownKeysKeepValidatingWhileTheEndpointIsDownOrAnswersGarbage() throws Exception {
		JwtDecoder decoder = decoder(Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(3));
		String token = token();
		decoder.decode(token);
		for (Function<Request, Response> fault : List.<Function<Request, Response>>of(
				(request) -> new Response(503, "", Map.of()), (request) -> Response.json("<html>not a JWK Set"),
				(request) -> Response.json("{\"keys\":\"nope\"}"))) {
			this.jwks.set(fault);
			long before = fetches();
			Thread.sleep(300);
			assertThat(decoder.decode(token).getSubject()).as("cached key after the TTL").isEqualTo("user");
			assertThat(fetches()).as("the endpoint was asked again").isGreaterThan(before);
			String hostile = unknownKid();
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(hostile));
		}
	}

	@Test
	void aSlowEndpointFailsTheRequestWithinTheReadTimeout() {
		this.jwks.set((request) -> Response.slow(Duration.ofSeconds(8), Response.json(Jwts.jwks(this.key.toPublicJWK()))));
		JwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMillis(500));
		Instant start = Instant.now();
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(token()));
		assertThat(Duration.between(start, Instant.now())).as("bounded by the read timeout, not the 8 s answer")
			.isLessThan(Duration.ofSeconds(4));
	}

	@Test
	void anEndpointThatWasNeverReachableFailsWithoutAKey() {
		this.jwks.set((request) -> new Response(500, "", Map.of()));
		JwtDecoder decoder = decoder(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(3));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(token()));
		assertThatExceptionOfType(JwtException.class).as("within the cool-down: no new fetch").isThrownBy(() -> decoder.decode(token()));
		assertThat(fetches()).isEqualTo(1);
	}

}
