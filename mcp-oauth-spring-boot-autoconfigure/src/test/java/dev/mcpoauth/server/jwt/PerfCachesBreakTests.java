package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mcpoauth.Jwts;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The caches of the perf change (the last header's selector, the last key recognised by identity, the last issuer)
 * under rotation, shared kids and concurrency.
 */
class PerfCachesBreakTests {

	private static final String ISSUER = "https://idp.example";

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private static JwtDecoder decoder(JWKSource<SecurityContext> keys) {
		return new AccessTokenJwtDecoder(
				AccessTokenDecoders.processor(new KidKeySelector(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys)),
				AccessTokenValidators.create(List.of(URI.create(ISSUER)), Duration.ofSeconds(60)));
	}

	@Test
	void aRotatedKeyWithTheSameKidIsNotRecognisedAsTheLastOne() {
		RSAKey first = Jwts.rsa();
		RSAKey second = new RSAKey.Builder(Jwts.rsa()).keyID(first.getKeyID()).build();
		AtomicReference<JWKSet> set = new AtomicReference<>(new JWKSet(first.toPublicJWK()));
		JWKSource<SecurityContext> keys = (selector, context) -> selector.select(set.get());
		JwtDecoder decoder = decoder(keys);
		String byFirst = Jwts.sign(first, ISSUER, AUDIENCE);
		String bySecond = Jwts.sign(second, ISSUER, AUDIENCE);
		assertThat(decoder.decode(byFirst).getSubject()).isEqualTo("user");
		set.set(new JWKSet(second.toPublicJWK()));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(byFirst));
		assertThat(decoder.decode(bySecond).getSubject()).isEqualTo("user");
	}

	@Test
	void inProcessKeysRotateToo() {
		RSAKey first = Jwts.rsa();
		RSAKey second = new RSAKey.Builder(Jwts.rsa()).keyID(first.getKeyID()).build();
		AtomicReference<JWKSet> set = new AtomicReference<>(new JWKSet(first));
		JWKSource<SecurityContext> local = (selector, context) -> selector.select(set.get());
		JwtDecoder decoder = decoder(new InProcessFirstJwkSource(local, (selector, context) -> List.of()));
		String byFirst = Jwts.sign(first, ISSUER, AUDIENCE);
		assertThat(decoder.decode(byFirst).getSubject()).isEqualTo("user");
		set.set(new JWKSet(second));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(byFirst));
		assertThat(decoder.decode(Jwts.sign(second, ISSUER, AUDIENCE)).getSubject()).isEqualTo("user");
	}

	@Test
	void twoThreadsWithDifferentHeadersOfTheSameKidNeverGetTheOtherOnesKeys() throws Exception {
		RSAKey rsa = Jwts.rsa();
		ECKey ec = new ECKeyGenerator(Curve.P_256).keyID(rsa.getKeyID()).generate();
		RSAKey forged = new RSAKey.Builder(Jwts.rsa()).keyID(rsa.getKeyID()).build();
		JWKSet set = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));
		JwtDecoder decoder = decoder((selector, context) -> selector.select(set));
		String[] valid = { Jwts.sign(rsa, ISSUER, AUDIENCE), Jwts.sign(ec, ISSUER, AUDIENCE) };
		String invalid = Jwts.sign(forged, ISSUER, AUDIENCE);
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < 3; t++) {
				int thread = t;
				runs.add(threads.submit(() -> {
					for (int i = 0; i < 400; i++) {
						if (thread == 2) {
							assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode(invalid));
						}
						else {
							assertThat(decoder.decode(valid[thread]).getSubject()).isEqualTo("user");
						}
					}
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static Object outcome(java.util.function.Supplier<Object> conversion) {
		try {
			return conversion.get();
		}
		catch (RuntimeException ex) {
			return ex.getClass() + ": " + ex.getMessage();
		}
	}

	@Test
	void claimsParsedByNimbusConvertAsSpringConvertsThem() throws Exception {
		MappedJwtClaimSetConverter spring = MappedJwtClaimSetConverter.withDefaults(Map.of());
		AccessTokenClaimSetConverter converter = new AccessTokenClaimSetConverter();
		String[] payloads = { "{\"iss\":\"https://idp.example\",\"aud\":[],\"exp\":1900000000}",
				"{\"iss\":\"https://idp.example/ a\",\"aud\":\"a,b\",\"exp\":1900000000.9}",
				"{\"iss\":\"http://[::1\",\"sub\":\"\",\"jti\":\"\",\"exp\":1900000000,\"iat\":0}",
				"{\"iss\":\"urn:x\",\"aud\":[\"a\",\"a\"],\"exp\":1900000000,\"nbf\":1.5,\"x\":null,\"y\":{\"iss\":1}}",
				"{\"iss\":\"file:/etc/passwd\",\"exp\":1900000000}", "{\"iss\":\"https://idp.example\",\"aud\":null,\"sub\":null}",
				"{\"iss\":\"HTTPS://idp.example:443/\",\"exp\":1900000000}", "{\"iss\":\"https://idp.example#x\"}",
				"{\"iss\":\"jar:http://x!/y\"}", "{\"iss\":\" https://idp.example\"}" };
		for (String payload : payloads) {
			Map<String, Object> claims = JWTClaimsSet.parse(payload).getClaims();
			assertThat(outcome(() -> converter.convert(claims))).as(payload).isEqualTo(outcome(() -> spring.convert(claims)));
			assertThat(outcome(() -> converter.convert(claims))).as(payload).isEqualTo(outcome(() -> spring.convert(claims)));
		}
	}

}
