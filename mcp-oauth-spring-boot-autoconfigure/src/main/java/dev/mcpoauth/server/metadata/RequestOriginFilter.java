package dev.mcpoauth.server.metadata;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 400 to a request whose origin cannot make a resource identifier (a malformed {@code Host} or forwarded
 * host, when {@code mcp.oauth.server.resource} is not set; {@link McpProtectedResource#hasUsableOrigin} decides),
 * before the metadata document, the challenge or the audience check would try to build one from it and fail with an
 * exception. The servlet twin of {@link RequestOriginWebFilter}.
 */
public final class RequestOriginFilter extends OncePerRequestFilter {

	/** The body of the refusal. */
	static final String REFUSAL = "The request's host does not make a URL";

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
		if (this.resource.hasUsableOrigin(ServletRequestOrigin.of(request))) {
			chain.doFilter(request, response);
			return;
		}
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.TEXT_PLAIN_VALUE);
		response.getWriter().write(REFUSAL);
	}

}
