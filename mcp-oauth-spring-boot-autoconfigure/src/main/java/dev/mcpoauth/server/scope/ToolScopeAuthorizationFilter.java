package dev.mcpoauth.server.scope;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.challenge.InsufficientScopeException;

import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Enforces the scopes of the MCP endpoint and of its tools ({@code mcp.oauth.server.required-scopes} and
 * {@code tool-scopes}) on the servlet stack, as {@link ToolCallScopes} decides them, so that a refusal names every
 * scope the request needs. It sits in the MCP security chain after authentication and inspects every request that
 * chain admitted and that may carry a message, whatever its path: the chain's matcher is the one reading of the
 * path, so no spelling the MCP transport routes ({@code /m%63p}, a sub-path such as SSE's {@code /mcp/message}, a
 * servlet mapping that routes on a suffix) escapes the check. A refused request is answered with
 * {@link InsufficientScopeException} (403 {@code insufficient_scope}), and one whose
 * {@linkplain RequestMetadataHeaders request metadata headers} ({@code Mcp-Method}, {@code Mcp-Name}) disagree with
 * its body with 400 and a JSON-RPC {@code HeaderMismatch} error; the body, read once into memory, is handed on
 * intact for the MCP server to read. Requests the chain lets through anonymously (the metadata) pass untouched.
 * The servlet twin of {@link ToolScopeAuthorizationWebFilter}.
 */
public final class ToolScopeAuthorizationFilter extends OncePerRequestFilter {

	private final ToolCallScopes toolCallScopes;

	private final SecurityContextHolderStrategy securityContext = SecurityContextHolder
		.getContextHolderStrategy();

	/**
	 * @param toolCallScopes the decision
	 */
	public ToolScopeAuthorizationFilter(ToolCallScopes toolCallScopes) {
		this.toolCallScopes = toolCallScopes;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		Set<String> granted = ToolCallScopes.grantedScopes(this.securityContext.getContext().getAuthentication());
		if (granted == null) {
			filterChain.doFilter(request, response);
			return;
		}
		RequestMetadataHeaders headers = RequestMetadataHeaders.read(Collections.list(request.getHeaderNames()),
				(name) -> values(request, name));
		if (!this.toolCallScopes.inspects(request.getMethod(), headers)) {
			act(this.toolCallScopes.decideWithoutBody(granted), request, response, filterChain);
			return;
		}
		byte[] body = readBody(request);
		ToolCallScopes.Decision decision = this.toolCallScopes.decide(body, request.getContentType(),
				request.getCharacterEncoding(), headers, granted);
		act(decision, (body != null) ? new CachedBodyRequest(request, body) : request, response, filterChain);
	}

	private static void act(ToolCallScopes.Decision decision, HttpServletRequest request, HttpServletResponse response,
			FilterChain filterChain) throws ServletException, IOException {
		switch (decision.outcome()) {
			case ALLOWED -> filterChain.doFilter(request, response);
			case INSUFFICIENT_SCOPE -> throw new InsufficientScopeException(decision.missingScopes());
			default -> {
				response.setStatus(decision.outcome().status().value());
				if (decision.errorBody() != null) {
					response.setContentType(MediaType.APPLICATION_JSON_VALUE);
					response.getOutputStream().write(decision.errorBody().getBytes(StandardCharsets.UTF_8));
				}
			}
		}
	}

	private static List<String> values(HttpServletRequest request, String header) {
		Enumeration<String> values = request.getHeaders(header);
		return (values != null) ? Collections.list(values) : List.of();
	}

	/**
	 * The body, or {@code null} when it is larger than the decision inspects. The length the request declares is
	 * read in one piece (a buffer of the body's size, not of the limit's), then anything that follows it, up to the
	 * limit.
	 */
	private static byte[] readBody(HttpServletRequest request) throws IOException {
		long declared = request.getContentLengthLong();
		if (declared > ToolCallScopes.MAX_BODY_BYTES) {
			return null;
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes((declared > 0) ? (int) declared : 0);
			int next = in.read();
			if (next < 0) {
				return body;
			}
			byte[] rest = in.readNBytes(ToolCallScopes.MAX_BODY_BYTES - body.length);
			byte[] all = Arrays.copyOf(body, body.length + 1 + rest.length);
			all[body.length] = (byte) next;
			System.arraycopy(rest, 0, all, body.length + 1, rest.length);
			return (all.length > ToolCallScopes.MAX_BODY_BYTES) ? null : all;
		}
	}

}
