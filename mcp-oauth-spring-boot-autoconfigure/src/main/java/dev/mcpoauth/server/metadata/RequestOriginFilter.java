package dev.mcpoauth.server.metadata;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 400 to a request whose origin cannot make a resource identifier (a malformed {@code Host} or forwarded
 * host, when {@code mcp.oauth.server.resource} is not set), before the metadata document, the challenge or the
 * audience check would try to build one from it and fail with an exception.
 */
public final class RequestOriginFilter extends OncePerRequestFilter {

	private final McpProtectedResource resource;

	/**
	 * @param resource the protected resource
	 */
	public RequestOriginFilter(McpProtectedResource resource) {
		this.resource = resource;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.resource.hasUsableOrigin(request)) {
			chain.doFilter(request, response);
			return;
		}
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.TEXT_PLAIN_VALUE);
		response.getWriter().write("The request's host does not make a URL");
	}

}
