package dev.mcpoauth.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Health of what MCP OAuth depends on ({@code mcp.oauth.health.*}): the MCP server's key source and each client
 * registration's authorization server, in their own health group.
 */
@ConfigurationProperties("mcp.oauth.health")
public class McpOAuthHealthProperties {

	/**
	 * Oldest last-known state a health check reports without starting a request of its own. A check always reports
	 * the last known state; older (or never known), it starts one request in the background (never on the thread of
	 * the health request, never waited for), within the configured timeouts, unless one is under way: so health
	 * probes cause at most one request per key set or registration per interval, and none while tokens are checked
	 * or requested on their own. For the MCP server's JWK Sets the interval is never shorter than
	 * mcp.oauth.server.jwks.refresh-cooldown. The client probe requests the authorization server's origin only (no
	 * path or query string).
	 */
	private Duration probeInterval = Duration.ofSeconds(30);

	/**
	 * Whether the MCP OAuth health contributors count in the overall status ({@code /actuator/health}) too. Off by
	 * default, so that an outage of an identity provider does not take the application out of a load balancer that
	 * probes the overall status; they always count in the {@code mcpOAuth} group. To make readiness depend on them,
	 * add them to the readiness group instead (see the README).
	 */
	private boolean includeInDefaultGroup;

	public Duration getProbeInterval() {
		return this.probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

	public boolean isIncludeInDefaultGroup() {
		return this.includeInDefaultGroup;
	}

	public void setIncludeInDefaultGroup(boolean includeInDefaultGroup) {
		this.includeInDefaultGroup = includeInDefaultGroup;
	}

}
