package dev.mcpoauth.client;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.mcpoauth.client.token.AuthorizationServerStatus;

/**
 * The {@link AuthorizationServerStatus} of each client registration, by registration name: what the health check of
 * the registrations' authorization servers reads.
 */
public final class AuthorizationServerStatuses {

	private final Clock clock;

	private final Map<String, AuthorizationServerStatus> statuses = new ConcurrentHashMap<>();

	/**
	 * @param clock the clock of the exchange times
	 */
	public AuthorizationServerStatuses(Clock clock) {
		this.clock = clock;
	}

	/**
	 * @param registration a registration's name
	 * @return its status, made on first use
	 */
	public AuthorizationServerStatus status(String registration) {
		return this.statuses.computeIfAbsent(registration, (name) -> new AuthorizationServerStatus(this.clock));
	}

	/** @return the statuses made so far, by registration name */
	public Map<String, AuthorizationServerStatus> all() {
		return Map.copyOf(this.statuses);
	}

}
