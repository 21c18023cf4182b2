package dev.mcpoauth.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Puts the MCP OAuth health contributors in their own group, {@value #GROUP} ({@code /actuator/health/mcpOAuth}),
 * unless the application configures a group of that name itself, and, unless
 * {@code mcp.oauth.health.include-in-default-group} is set, takes them out of the overall status, so that an
 * identity provider's outage does not take the application out of a load balancer. Liveness and readiness never
 * include them unless configured to. The group shows components and details as the overall status does, and
 * aggregates and maps statuses as it does.
 */
final class McpOAuthHealthGroups implements HealthEndpointGroupsPostProcessor {

	/** The group's name. */
	static final String GROUP = "mcpOAuth";

	private final Set<String> contributors;

	private final boolean includeInDefaultGroup;

	/**
	 * @param contributors the names of the MCP OAuth contributors
	 * @param includeInDefaultGroup whether they stay in the overall status
	 */
	McpOAuthHealthGroups(Set<String> contributors, boolean includeInDefaultGroup) {
		this.contributors = Set.copyOf(contributors);
		this.includeInDefaultGroup = includeInDefaultGroup;
	}

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		HealthEndpointGroup primary = groups.getPrimary();
		Map<String, HealthEndpointGroup> others = new LinkedHashMap<>();
		groups.getNames().forEach((name) -> others.put(name, groups.get(name)));
		others.putIfAbsent(GROUP, new FilteredGroup(primary, this::isMcpOAuth, null));
		HealthEndpointGroup overall = this.includeInDefaultGroup ? primary
				: new FilteredGroup(primary, (name) -> primary.isMember(name) && !isMcpOAuth(name),
						primary.getAdditionalPath());
		return HealthEndpointGroups.of(overall, others);
	}

	/** A contributor's name, or a {@code parent/child} path, is one of ours or inside one of ours. */
	private boolean isMcpOAuth(String name) {
		int slash = name.indexOf('/');
		return this.contributors.contains((slash != -1) ? name.substring(0, slash) : name);
	}

	/** A group with the members a predicate picks and everything else of another group. */
	private record FilteredGroup(HealthEndpointGroup settings, Predicate<String> members,
			AdditionalHealthEndpointPath additionalPath) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return this.members.test(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.settings.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.settings.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.settings.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.settings.getHttpCodeStatusMapper();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return this.additionalPath;
		}

	}

}
