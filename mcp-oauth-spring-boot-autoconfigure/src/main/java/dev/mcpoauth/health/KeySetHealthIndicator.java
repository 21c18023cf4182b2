package dev.mcpoauth.health;

import java.net.URI;
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
 * The last known outcome is always what is reported; when it is older than the probe interval, one fetch is started
 * in the background and a later check reports its outcome ({@link KeySet#recentFetch}): a check never fetches on its
 * own thread and never waits. The probe interval is never shorter than the JWK Set refresh cool-down. Keys already
 * fetched keep validating tokens during an outage: DOWN says the identity provider is unreachable, not that tokens
 * are refused. Details name each JWK Set by its URL without user information or query string, and a failure by its
 * exception's type only.
 */
final class KeySetHealthIndicator implements HealthIndicator {

	private final KeySetSources keySets;

	private final Duration probeInterval;

	private final boolean staticKey;

	/**
	 * @param keySets the decoder's JWK Sets
	 * @param probeInterval the oldest outcome reported without starting a fetch
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
		boolean unknown = false;
		Map<String, Object> details = new LinkedHashMap<>();
		for (KeySet keySet : known) {
			Fetch fetch = keySet.recentFetch(this.probeInterval);
			Map<String, Object> detail = new LinkedHashMap<>();
			if (fetch == null) {
				detail.put("status", "not fetched yet");
				unknown = true;
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
			details.put(withoutUserInfoOrQuery(keySet.uri()), detail);
		}
		return (down ? Health.down() : unknown ? Health.unknown() : Health.up()).withDetail("jwkSets", details)
			.build();
	}

	/** Scheme, host, port and path: no user information, query string or fragment. */
	static String withoutUserInfoOrQuery(URI uri) {
		if (uri.getScheme() == null || uri.getHost() == null) {
			return "(not an absolute URL)";
		}
		return uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "")
				+ ((uri.getRawPath() != null) ? uri.getRawPath() : "");
	}

}
