package dev.mcpoauth.health;

import java.time.Duration;

import dev.mcpoauth.client.token.AuthorizationServerStatus;
import dev.mcpoauth.client.token.AuthorizationServerStatus.Exchange;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether one client registration's authorization server answers: UP when its last answer was not a server error,
 * DOWN when it did not answer (no connection, a timeout) or answered 5xx, UNKNOWN before the registration's first
 * request (the authorization server is found through the MCP server, on first use). The last known exchange is
 * always what is reported; when it is older than the probe interval, one request (GET, no credentials) to the
 * authorization server's origin only, no path or query string, is started in the background and a later check
 * reports its outcome ({@link AuthorizationServerStatus#recentExchange}): a check never makes a request on its own
 * thread and never waits.
 */
final class AuthorizationServerHealthIndicator implements HealthIndicator {

	private final AuthorizationServerStatus status;

	private final Duration probeInterval;

	/**
	 * @param status the registration's status
	 * @param probeInterval the oldest exchange reported without starting a request
	 */
	AuthorizationServerHealthIndicator(AuthorizationServerStatus status, Duration probeInterval) {
		this.status = status;
		this.probeInterval = probeInterval;
	}

	@Override
	public Health health() {
		Exchange exchange = this.status.recentExchange(this.probeInterval);
		if (exchange == null) {
			return Health.unknown().withDetail("authorizationServer", "not contacted yet").build();
		}
		boolean up = exchange.reached() && exchange.status() < 500;
		Health.Builder health = (up ? Health.up() : Health.down()).withDetail("authorizationServer", exchange.origin())
			.withDetail("at", exchange.at().toString());
		return (exchange.reached() ? health.withDetail("httpStatus", exchange.status())
				: health.withDetail("error", exchange.failure())).build();
	}

}
