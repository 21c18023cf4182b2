package dev.mcpoauth.server.scope;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.mcpoauth.server.authentication.ScopeAuthoritiesConverter;
import dev.mcpoauth.server.challenge.InsufficientScopeException;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces per-tool scopes ({@code mcp.oauth.server.tool-scopes}) on JSON-RPC {@code tools/call} messages posted to
 * the MCP endpoint. A call of a listed tool whose token lacks one of its scopes is refused with
 * {@link InsufficientScopeException} (403 {@code insufficient_scope}, naming the endpoint's and the tool's scopes).
 * The body is read once into memory, bounded in size, and handed on for the MCP server to read again. A body that
 * is not JSON, or has duplicate keys that another parser could read differently, is refused with 400.
 */
public final class ToolScopeAuthorizationFilter extends OncePerRequestFilter {

	/** Largest body that is inspected; a larger one is refused with 413. */
	static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

	private final String endpoint;

	private final List<String> requiredScopes;

	private final Map<String, List<String>> toolScopes;

	private final JsonMapper json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

	private final SecurityContextHolderStrategy securityContext = SecurityContextHolder
		.getContextHolderStrategy();

	/**
	 * @param endpoint the MCP endpoint path relative to the context path
	 * @param requiredScopes scopes every request to the endpoint needs
	 * @param toolScopes extra scopes per tool name
	 */
	public ToolScopeAuthorizationFilter(String endpoint, List<String> requiredScopes,
			Map<String, List<String>> toolScopes) {
		this.endpoint = endpoint;
		this.requiredScopes = List.copyOf(requiredScopes);
		this.toolScopes = Map.copyOf(toolScopes);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return this.toolScopes.isEmpty() || !HttpMethod.POST.matches(request.getMethod())
				|| !request.getRequestURI().substring(request.getContextPath().length()).equals(this.endpoint);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		byte[] body = readBody(request);
		if (body == null) {
			response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
			return;
		}
		JsonNode message;
		try {
			message = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
			return;
		}
		List<String> missing = requiredScopesOfCalls(message);
		if (!missing.isEmpty()) {
			throw new InsufficientScopeException(missing);
		}
		filterChain.doFilter(new CachedBodyRequest(request, body), response);
	}

	/** Every scope the denied calls need, or an empty list when the token has them all. */
	private List<String> requiredScopesOfCalls(JsonNode message) {
		Set<String> granted = grantedScopes();
		Set<String> needed = new LinkedHashSet<>();
		for (JsonNode call : message.isArray() ? message : List.of(message)) {
			if (!"tools/call".equals(call.path("method").asString(null))) {
				continue;
			}
			List<String> scopes = this.toolScopes.get(call.path("params").path("name").asString(""));
			if (scopes != null && !granted.containsAll(scopes)) {
				needed.addAll(this.requiredScopes);
				needed.addAll(scopes);
			}
		}
		return new ArrayList<>(needed);
	}

	private Set<String> grantedScopes() {
		Authentication authentication = this.securityContext.getContext().getAuthentication();
		Set<String> scopes = new LinkedHashSet<>();
		if (authentication != null) {
			for (GrantedAuthority authority : authentication.getAuthorities()) {
				String name = authority.getAuthority();
				if (name != null && name.startsWith(ScopeAuthoritiesConverter.AUTHORITY_PREFIX)) {
					scopes.add(name.substring(ScopeAuthoritiesConverter.AUTHORITY_PREFIX.length()));
				}
			}
		}
		return scopes;
	}

	private static byte[] readBody(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > MAX_BODY_BYTES) {
			return null;
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
			return (body.length > MAX_BODY_BYTES) ? null : body;
		}
	}

}
