package dev.mcpoauth.server.introspection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.mcpoauth.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionAuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CachingOpaqueTokenIntrospectorTests {

	private final TestClock clock = new TestClock();

	private final AtomicInteger calls = new AtomicInteger();

	/** What the endpoint answers: the token's exp, or an exception to throw. */
	private final AtomicReference<Object> answer = new AtomicReference<>(Duration.ofMinutes(5));

	private final OpaqueTokenIntrospector endpoint = (token) -> {
		this.calls.incrementAndGet();
		Object current = this.answer.get();
		if (current instanceof RuntimeException failure) {
			throw failure;
		}
		Instant exp = this.clock.instant().plus((Duration) current);
		return new OAuth2IntrospectionAuthenticatedPrincipal("user", Map.of("active", true, "exp", exp), List.of());
	};

	private CachingOpaqueTokenIntrospector cache(Duration ttl, int maxSize) {
		return new CachingOpaqueTokenIntrospector(this.endpoint, ttl, maxSize, this.clock);
	}

	@Test
	void aRepeatedTokenIsIntrospectedOnce() {
		CachingOpaqueTokenIntrospector cache = cache(Duration.ofMinutes(1), 10);
		OAuth2AuthenticatedPrincipal first = cache.introspect("token-a");
		assertThat(cache.introspect("token-a")).isSameAs(first);
		assertThat(this.calls).hasValue(1);
		cache.introspect("token-b");
		assertThat(this.calls).as("another token is another entry").hasValue(2);
	}

	@ParameterizedTest(name = "exp in {0}, ttl {1}: the entry ends after {2}")
	@CsvSource({ "PT10S, PT1M, PT10S", "PT1H, PT30S, PT30S", "PT30S, PT30S, PT30S" })
	void anEntryEndsAtTheEarlierOfTheTokensExpAndTheTtl(Duration exp, Duration ttl, Duration end) {
		this.answer.set(exp);
		CachingOpaqueTokenIntrospector cache = cache(ttl, 10);
		cache.introspect("token");
		this.clock.advance(end.minusSeconds(1));
		cache.introspect("token");
		assertThat(this.calls).as("served from the cache before the end").hasValue(1);
		this.clock.advance(Duration.ofSeconds(1));
		cache.introspect("token");
		assertThat(this.calls).as("at the end the endpoint is asked again (a revocation shows at the latest then)")
			.hasValue(2);
	}

	@Test
	void refusalsAndFailuresAreNeverCached() {
		CachingOpaqueTokenIntrospector cache = cache(Duration.ofMinutes(1), 10);
		this.answer.set(new BadOpaqueTokenException("The access token is not active"));
		assertThatExceptionOfType(BadOpaqueTokenException.class).isThrownBy(() -> cache.introspect("token"));
		this.answer.set(new OAuth2IntrospectionException("HTTP 500"));
		assertThatExceptionOfType(OAuth2IntrospectionException.class).isThrownBy(() -> cache.introspect("token"));
		assertThat(this.calls).hasValue(2);
		assertThat(cache.size()).isZero();
		this.answer.set(Duration.ofMinutes(5));
		cache.introspect("token");
		assertThat(this.calls).hasValue(3);
	}

	@Test
	void theCacheIsBounded() {
		CachingOpaqueTokenIntrospector cache = cache(Duration.ofMinutes(1), 3);
		for (int i = 0; i < 10; i++) {
			cache.introspect("token-" + i);
			assertThat(cache.size()).isLessThanOrEqualTo(3);
		}
		assertThat(this.calls).hasValue(10);
	}

}
