package dev.mcpoauth.server.session;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies {@link McpSessionBindings} on the servlet stack. It sits in the MCP security chain after authorization.
 * <ul>
 * <li>A response that assigns a session binds it to the request's subject before the client can learn it: the
 * {@code Mcp-Session-Id} header of streamable HTTP the moment the transport sets it, the {@code sessionId} of the
 * SSE transport's {@code endpoint} event before the write that completes the event.</li>
 * <li>A request that names a session (the header, or the {@code sessionId} parameter, read as the transports read
 * them) of another subject, one this application never assigned, or more than one, is answered 404, as for an
 * unknown session, before the transport sees it.</li>
 * <li>A session is forgotten when it is deleted or the transport answers 404 for it.</li>
 * </ul>
 * The servlet twin of {@link McpSessionBindingWebFilter}.
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
		String subject = McpSessionBindings.subjectOf(this.securityContext.getContext().getAuthentication());
		List<String> sessions = namedSessions(request);
		if (sessions.isEmpty()) {
			filterChain.doFilter(request, (subject != null) ? new BindingResponse(response, subject) : response);
			return;
		}
		if (!this.bindings.admits(sessions, subject)) {
			response.setStatus(HttpServletResponse.SC_NOT_FOUND);
			return;
		}
		filterChain.doFilter(request, response);
		this.bindings.answered(sessions.get(0), request.getMethod(), response.getStatus());
	}

	/** Every session value the request carries, in the header and the parameter the transports read. */
	private static List<String> namedSessions(HttpServletRequest request) {
		List<String> sessions = new ArrayList<>(Collections.list(request.getHeaders(McpSessionBindings.SESSION_HEADER)));
		String[] parameters = request.getParameterValues(SseEndpointAnnouncement.SESSION_PARAMETER);
		if (parameters != null) {
			sessions.addAll(List.of(parameters));
		}
		return sessions;
	}

	/** Binds the session the moment the transport assigns it, before it can reach the client. */
	private final class BindingResponse extends HttpServletResponseWrapper {

		private final String subject;

		private final SseEndpointAnnouncement announcement = new SseEndpointAnnouncement();

		private ServletOutputStream outputStream;

		private PrintWriter writer;

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
			if (McpSessionBindings.SESSION_HEADER.equalsIgnoreCase(name) && value != null) {
				McpSessionBindingFilter.this.bindings.bind(value, this.subject);
			}
		}

		/** Reads what an event stream is about to write, and binds the session it announces. */
		private void announce(CharSequence chunk) {
			String session = this.announcement.accept(chunk);
			if (session != null) {
				McpSessionBindingFilter.this.bindings.bind(session, this.subject);
			}
		}

		private boolean isEventStream() {
			String type = getContentType();
			return type != null && type.regionMatches(true, 0, MediaType.TEXT_EVENT_STREAM_VALUE, 0,
					MediaType.TEXT_EVENT_STREAM_VALUE.length());
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			if (!isEventStream()) {
				return super.getOutputStream();
			}
			if (this.outputStream == null) {
				this.outputStream = new AnnouncingOutputStream(super.getOutputStream());
			}
			return this.outputStream;
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			if (!isEventStream()) {
				return super.getWriter();
			}
			if (this.writer == null) {
				PrintWriter target = super.getWriter();
				this.writer = new PrintWriter(target) {

					@Override
					public void write(int c) {
						announce(String.valueOf((char) c));
						super.write(c);
					}

					@Override
					public void write(char[] buffer, int offset, int length) {
						announce(new String(buffer, offset, length));
						super.write(buffer, offset, length);
					}

					@Override
					public void write(String text, int offset, int length) {
						announce(text.substring(offset, offset + length));
						super.write(text, offset, length);
					}

					@Override
					public boolean checkError() {
						return super.checkError() || target.checkError();
					}

				};
			}
			return this.writer;
		}

		/** The servlet output stream, read as it is written (an event stream's framing is ASCII). */
		private final class AnnouncingOutputStream extends ServletOutputStream {

			private final ServletOutputStream target;

			AnnouncingOutputStream(ServletOutputStream target) {
				this.target = target;
			}

			@Override
			public void write(int b) throws IOException {
				announce(String.valueOf((char) (b & 0xFF)));
				this.target.write(b);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				announce(new String(bytes, offset, length, StandardCharsets.ISO_8859_1));
				this.target.write(bytes, offset, length);
			}

			@Override
			public void flush() throws IOException {
				this.target.flush();
			}

			@Override
			public void close() throws IOException {
				this.target.close();
			}

			@Override
			public boolean isReady() {
				return this.target.isReady();
			}

			@Override
			public void setWriteListener(WriteListener listener) {
				this.target.setWriteListener(listener);
			}

		}

	}

}
