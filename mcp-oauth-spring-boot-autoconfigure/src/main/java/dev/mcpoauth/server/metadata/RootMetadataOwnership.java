package dev.mcpoauth.server.metadata;

import java.util.List;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.server.resource.web.OAuth2ProtectedResourceMetadataFilter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Whether the MCP chain answers the root metadata URI ({@code /.well-known/oauth-protected-resource}): only when no
 * other resource server of the application claims it. When another security chain that would handle the request is
 * an OAuth resource server of its own (Spring Security's bearer token filter or metadata filter), the root document
 * describes that resource, and its challenges point there: the MCP chain then serves only its path-suffixed
 * document. Decided per request, from the chains as they stand, so the order the chains are built in does not
 * matter.
 */
public final class RootMetadataOwnership implements RequestMatcher {

	private final ObjectProvider<FilterChainProxy> chains;

	private final Filter ownMetadataFilter;

	/**
	 * @param chains the application's security filter chains
	 * @param ownMetadataFilter the metadata filter of the MCP chain, which identifies that chain
	 */
	public RootMetadataOwnership(ObjectProvider<FilterChainProxy> chains, Filter ownMetadataFilter) {
		this.chains = chains;
		this.ownMetadataFilter = ownMetadataFilter;
	}

	@Override
	public boolean matches(HttpServletRequest request) {
		FilterChainProxy proxy = this.chains.getIfAvailable();
		if (proxy == null) {
			return true;
		}
		for (SecurityFilterChain chain : proxy.getFilterChains()) {
			List<Filter> filters = chain.getFilters();
			if (!filters.contains(this.ownMetadataFilter) && chain.matches(request) && isResourceServer(filters)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isResourceServer(List<Filter> filters) {
		return filters.stream()
			.anyMatch((filter) -> filter instanceof BearerTokenAuthenticationFilter
					|| filter instanceof OAuth2ProtectedResourceMetadataFilter);
	}

}
