package dev.mcpoauth.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.mcpoauth.TestClock;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The per-user token cache of cross-app access: keyed by the whole ID token, bounded in size, cleared of expired
 * tokens, and never holding a slot for a request that failed.
 */
class TokenSlotsTests {

	private final TestClock clock = new TestClock();

	private final TokenSlots slots = new TokenSlots("s", Duration.ofSeconds(5), this.clock);

	private final AtomicInteger requests = new AtomicInteger();

	private String token(String idToken, long expiresIn) {
		return this.slots.with(idToken, (slot) -> slot.token(Set::of, issuing(expiresIn)));
	}

	private Function<Set<String>, OAuth2AccessTokenResponse> issuing(long expiresIn) {
		return (scopes) -> OAuth2AccessTokenResponse.withToken("at-" + this.requests.incrementAndGet())
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(expiresIn)
			.build();
	}

	@Test
	void theStatisticsCountATokenHandedOutAgainAsAHitAndATokenRequestAsAMiss() {
		String first = token("user-1", 300);
		assertThat(token("user-1", 300)).isEqualTo(first);
		token("user-2", 300);
		assertThat(this.slots.statistics().hits()).isEqualTo(1);
		assertThat(this.slots.statistics().misses()).isEqualTo(2);
		assertThat(this.slots.statistics().puts()).isEqualTo(2);
		assertThat(this.slots.statistics().size()).isEqualTo(2);
	}

	@Test
	void aFailedFirstRequestLeavesNoSlot() {
		assertThatExceptionOfType(McpOAuthClientException.class).isThrownBy(() -> this.slots.with("id-token-1",
				(slot) -> slot.token(Set::of, (scopes) -> {
					throw new McpOAuthClientException("s", "invalid_grant", null, 400);
				})));
		assertThat(this.slots.size()).isZero();
	}

	@Test
	void aSlotWhoseUserWasSentToAuthorizeKeepsTheScopesAskedForUntilTheTokenArrives() {
		java.util.List<Set<String>> asked = new java.util.ArrayList<>();
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class).isThrownBy(() -> this.slots.with("alice",
				(slot) -> slot.renew(null, Set.of("mcp:tools"), true, Set::of, (scopes) -> {
					asked.add(scopes);
					throw new ClientAuthorizationRequiredException("s@1");
				})));
		assertThat(this.slots.size()).as("kept while the browser is away").isEqualTo(1);
		String token = this.slots.with("alice", (slot) -> slot.token(() -> Set.of("initial"), (scopes) -> {
			asked.add(scopes);
			return issuing(300).apply(scopes);
		}));
		assertThat(token).isEqualTo("at-1");
		assertThat(asked).containsExactly(Set.of("mcp:tools"), Set.of("mcp:tools"));
	}

	@Test
	void tokensAreCachedPerWholeIdToken() {
		String first = token("header.alice.signature", 300);
		assertThat(token("header.alice.signature", 300)).isEqualTo(first);
		assertThat(token("header.alice.forged", 300)).isNotEqualTo(first);
		assertThat(this.requests).hasValue(2);
	}

	@Test
	void expiredSlotsAreDroppedWhenANewOneIsMade() {
		token("user-1", 60);
		token("user-2", 3600);
		assertThat(this.slots.size()).isEqualTo(2);
		this.clock.advance(Duration.ofMinutes(2));
		token("user-3", 3600);
		assertThat(this.slots.size()).isEqualTo(2);
	}

	@Test
	void atMostMaxSlotsAreKeptTheLeastRecentlyUsedDroppedFirst() {
		for (int user = 0; user <= TokenSlots.MAX_SLOTS; user++) {
			token("user-" + user, 3600);
			if (user == 0) {
				continue;
			}
			token("user-1", 3600);
		}
		assertThat(this.slots.size()).isEqualTo(TokenSlots.MAX_SLOTS);
		int requested = this.requests.get();
		token("user-1", 3600);
		assertThat(this.requests).as("recently used: kept").hasValue(requested);
		token("user-0", 3600);
		assertThat(this.requests).as("least recently used: dropped").hasValue(requested + 1);
	}

}
