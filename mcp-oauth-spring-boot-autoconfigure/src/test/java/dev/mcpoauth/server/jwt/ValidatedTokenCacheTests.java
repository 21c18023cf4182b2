package dev.mcpoauth.server.jwt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.server.McpOAuthServerProperties;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ValidatedTokenCacheTests {

	private final RSAKey key = Jwts.rsa();

	private final AtomicInteger verifications = new AtomicInteger();

	private final JwtDecoder validating;

	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

	private final Clock clock = new Clock() {
		@Override
		public Instant instant() {
			return ValidatedTokenCacheTests.this.now.get();
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}
	};

	ValidatedTokenCacheTests() {
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(java.net.URI.create("https://idp.example"));
		properties.setJwkSetUri(java.net.URI.create("https://idp.example/jwks"));
		JwtDecoder decoder = AccessTokenDecoders.create(properties, (issuer) -> new ImmutableJWKSet<>(new JWKSet(this.key)));
		this.validating = (token) -> {
			this.verifications.incrementAndGet();
			return decoder.decode(token);
		};
	}

	@Test
	void aRepeatedTokenIsVerifiedOnce() {
		ValidatedTokenCache cache = new ValidatedTokenCache(this.validating, 10, this.clock);
		String token = Jwts.sign(this.key, "https://idp.example", "aud");
		assertThat(cache.decode(token)).isSameAs(cache.decode(token));
		assertThat(this.verifications).hasValue(1);
	}

	@Test
	void anotherSignatureOrPayloadIsAnotherKeyAndIsVerified() {
		ValidatedTokenCache cache = new ValidatedTokenCache(this.validating, 10, this.clock);
		String token = Jwts.sign(this.key, "https://idp.example", "aud");
		cache.decode(token);
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> cache.decode(Jwts.tampered(token)));
		String[] parts = token.split("\\.");
		String otherPayload = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> cache.decode(otherPayload));
		assertThat(this.verifications).hasValue(3);
	}

	@Test
	void anEntryIsNeverServedAtOrAfterExp() {
		ValidatedTokenCache cache = new ValidatedTokenCache(this.validating, 10, this.clock);
		String token = Jwts.sign(this.key, "https://idp.example", "aud");
		cache.decode(token);
		this.now.set(this.now.get().plus(Duration.ofSeconds(299)));
		cache.decode(token);
		assertThat(this.verifications).as("served from the cache before exp").hasValue(1);
		this.now.set(this.now.get().plus(Duration.ofSeconds(2))); // past exp, whole seconds and signing time included
		cache.decode(token);
		assertThat(this.verifications).as("past exp the cache asks the validating decoder again").hasValue(2);
	}

	@Test
	void failuresAreNotCachedAndTheSizeIsBounded() {
		ValidatedTokenCache cache = new ValidatedTokenCache(this.validating, 3, this.clock);
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> cache.decode("garbage"));
		assertThatExceptionOfType(JwtException.class).isThrownBy(() -> cache.decode("garbage"));
		assertThat(this.verifications).hasValue(2);
		for (int i = 0; i < 10; i++) {
			cache.decode(Jwts.sign(this.key, "https://idp.example", "aud"));
			assertThat(cache.size()).isLessThanOrEqualTo(3);
		}
	}

}
