package dev.mcpoauth.server.session;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies {@link McpSessionBindings} on the servlet stack. It sits in the MCP security chain after authorization:
 * a response that assigns an {@code Mcp-Session-Id} binds the session to the request's subject the moment the
 * transport sets the header, before the client can see it; a request that names a session of another subject, or
 * one this application never assigned, is answered 404, as for an unknown session, before the transport sees it.
 * A session is forgotten when it is deleted or the transport answers 404 for it.
 */
public final class McpSessionBindingFilter extends OncePerRequestFilter {

	private final McpSessionBindings bindings;

	private final SecurityContextHolderStrategy securityContext = SecurityContextHolder
		.getContextHolderStrategy();

	/**
	 * @param bindings the session table
	 */
	public McpSessionBindingFilter(McpSessionBindings bindings) {
		this.bindings = bindings;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		String subject = subject();
		String session = request.getHeader(McpSessionBindings.SESSION_HEADER);
		if (session == null) {
			filterChain.doFilter(request, new BindingResponse(response, subject));
			return;
		}
		if (subject == null || !this.bindings.permits(session, subject)) {
			response.setStatus(HttpServletResponse.SC_NOT_FOUND);
			return;
		}
		filterChain.doFilter(request, response);
		int status = response.getStatus();
		if (status == HttpServletResponse.SC_NOT_FOUND
				|| (HttpMethod.DELETE.matches(request.getMethod()) && status >= 200 && status < 300)) {
			this.bindings.unbind(session);
		}
	}

	private String subject() {
		Authentication authentication = this.securityContext.getContext().getAuthentication();
		if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
			return McpSessionBindings.subjectOf(token.getTokenAttributes());
		}
		return (authentication != null && authentication.isAuthenticated()) ? "name " + authentication.getName()
				: null;
	}

	/** Binds the session the moment the transport assigns it, before the header can reach the client. */
	private final class BindingResponse extends HttpServletResponseWrapper {

		private final String subject;

		BindingResponse(HttpServletResponse response, String subject) {
			super(response);
			this.subject = subject;
		}

		@Override
		public void setHeader(String name, String value) {
			bindIfSession(name, value);
			super.setHeader(name, value);
		}

		@Override
		public void addHeader(String name, String value) {
			bindIfSession(name, value);
			super.addHeader(name, value);
		}

		private void bindIfSession(String name, String value) {
			if (McpSessionBindings.SESSION_HEADER.equalsIgnoreCase(name) && value != null && this.subject != null) {
				McpSessionBindingFilter.this.bindings.bind(value, this.subject);
			}
		}

	}

}
