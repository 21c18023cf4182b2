package dev.mcpoauth.server.dpop;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DPoPNoncesTests {

	private Instant now = Instant.parse("2026-12-01T10:00:00Z");

	private final InstantSource clock = () -> this.now;

	private final DPoPNonces nonces = new DPoPNonces(Duration.ofMinutes(5), this.clock);

	@Test
	void theCurrentNonceIsAcceptedAndNothingElse() {
		String nonce = this.nonces.current();
		assertThat(nonce).matches("[A-Za-z0-9_-]{22}");
		assertThat(this.nonces.isAccepted(nonce)).isTrue();
		assertThat(this.nonces.isAccepted(null)).isFalse();
		assertThat(this.nonces.isAccepted("")).isFalse();
		assertThat(this.nonces.isAccepted(nonce + "x")).isFalse();
		assertThat(this.nonces.current()).isEqualTo(nonce);
	}

	@Test
	void afterItsLifetimeANewNonceIsHandedOutAndThePreviousOneIsAcceptedForOneMoreLifetime() {
		String first = this.nonces.current();
		this.now = this.now.plus(Duration.ofMinutes(5));
		String second = this.nonces.current();
		assertThat(second).isNotEqualTo(first);
		assertThat(this.nonces.isAccepted(first)).isTrue();
		this.now = this.now.plus(Duration.ofMinutes(5));
		String third = this.nonces.current();
		assertThat(this.nonces.isAccepted(first)).isFalse();
		assertThat(this.nonces.isAccepted(second)).isTrue();
		assertThat(this.nonces.isAccepted(third)).isTrue();
	}

	@Test
	void afterTwoIdleLifetimesTheOldNonceIsNoLongerAccepted() {
		String first = this.nonces.current();
		this.now = this.now.plus(Duration.ofMinutes(10));
		assertThat(this.nonces.isAccepted(first)).isFalse();
		assertThat(this.nonces.current()).isNotEqualTo(first);
	}

	@Test
	void noncesAreRandom() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			seen.add(new DPoPNonces(Duration.ofMinutes(5), this.clock).current());
		}
		assertThat(seen).hasSize(100);
	}

	@Test
	void aLifetimeMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DPoPNonces(Duration.ZERO, this.clock));
	}

}
