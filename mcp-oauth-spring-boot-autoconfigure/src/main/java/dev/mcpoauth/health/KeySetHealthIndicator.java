package dev.mcpoauth.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mcpoauth.server.jwt.KeySetSources;
import dev.mcpoauth.server.jwt.KeySetSources.Fetch;
import dev.mcpoauth.server.jwt.KeySetSources.KeySet;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the MCP server can fetch its JWK Sets: UP when the last fetch of each succeeded, DOWN when one failed,
 * UNKNOWN before the first (a JWK Set found through the issuer's metadata is known only after the first token).
 * The last known outcome is reported while it is younger than the probe interval; older, one fetch is made
 * ({@link KeySet#recentFetch}). Keys already fetched keep validating tokens during an outage: DOWN says the
 * identity provider is unreachable, not that tokens are refused.
 */
final class KeySetHealthIndicator implements HealthIndicator {

	private final KeySetSources keySets;

	private final Duration probeInterval;

	private final boolean staticKey;

	/**
	 * @param keySets the decoder's JWK Sets
	 * @param probeInterval the oldest outcome reported as it is
	 * @param staticKey whether the keys are configured (an HMAC secret, a PEM public key) rather than fetched
	 */
	KeySetHealthIndicator(KeySetSources keySets, Duration probeInterval, boolean staticKey) {
		this.keySets = keySets;
		this.probeInterval = probeInterval;
		this.staticKey = staticKey;
	}

	@Override
	public Health health() {
		List<KeySet> known = this.keySets.keySets();
		if (known.isEmpty()) {
			return this.staticKey ? Health.up().withDetail("keys", "configured").build()
					: Health.unknown().withDetail("keys", "not fetched yet").build();
		}
		boolean down = false;
		Map<String, Object> details = new LinkedHashMap<>();
		for (KeySet keySet : known) {
			Fetch fetch = keySet.recentFetch(this.probeInterval);
			Map<String, Object> detail = new LinkedHashMap<>();
			if (fetch == null) {
				detail.put("status", "not fetched yet");
			}
			else {
				detail.put("status", fetch.success() ? "fetched" : "failed");
				detail.put("at", fetch.at().toString());
				if (fetch.success()) {
					detail.put("keys", fetch.keys());
				}
				else {
					detail.put("error", fetch.failure());
					down = true;
				}
			}
			details.put(keySet.uri().toString(), detail);
		}
		return (down ? Health.down() : Health.up()).withDetail("jwkSets", details).build();
	}

}
