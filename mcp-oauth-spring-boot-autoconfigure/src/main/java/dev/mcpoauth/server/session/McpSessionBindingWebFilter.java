package dev.mcpoauth.server.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.mcpoauth.server.authentication.ReactiveAuthentications;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive twin of {@link McpSessionBindingFilter}: applies {@link McpSessionBindings} in the MCP security chain
 * after authorization.
 * <ul>
 * <li>A response that assigns a session binds it to the request's subject before the client can learn it: the
 * {@code Mcp-Session-Id} header of streamable HTTP just before the response's headers are written (a
 * {@linkplain ServerHttpResponse#beforeCommit commit action}), the {@code sessionId} of the SSE transport's
 * {@code endpoint} event before the buffer that completes the event is handed to the server.</li>
 * <li>A request that names a session (the header, or the {@code sessionId} query parameter, read as the transports
 * read them) of another subject, one this application never assigned, or more than one, is answered 404 before the
 * transport sees it.</li>
 * <li>A session is forgotten when it is deleted or the transport answers 404 for it.</li>
 * </ul>
 */
public final class McpSessionBindingWebFilter implements WebFilter {

	private final McpSessionBindings bindings;

	/**
	 * @param bindings the session table
	 */
	public McpSessionBindingWebFilter(McpSessionBindings bindings) {
		this.bindings = bindings;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return ReactiveAuthentications.withAuthentication(
				(authentication) -> filter(exchange, chain, McpSessionBindings.subjectOf(authentication)));
	}

	private Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain, String subject) {
		ServerHttpRequest request = exchange.getRequest();
		List<String> sessions = namedSessions(request);
		if (sessions.isEmpty()) {
			return (subject != null)
					? chain.filter(exchange.mutate().response(new BindingResponse(exchange.getResponse(), subject)).build())
					: chain.filter(exchange);
		}
		ServerHttpResponse response = exchange.getResponse();
		if (!this.bindings.admits(sessions, subject)) {
			response.setStatusCode(HttpStatus.NOT_FOUND);
			return response.setComplete();
		}
		return chain.filter(exchange).then(Mono.fromRunnable(() -> {
			HttpStatusCode status = response.getStatusCode();
			this.bindings.answered(sessions.get(0), request.getMethod().name(),
					(status != null) ? status.value() : HttpStatus.OK.value());
		}));
	}

	/** Every session value the request carries, in the header and the query parameter the transports read. */
	private static List<String> namedSessions(ServerHttpRequest request) {
		List<String> sessions = new ArrayList<>(request.getHeaders().getOrEmpty(McpSessionBindings.SESSION_HEADER));
		List<String> parameters = request.getQueryParams().get(SseEndpointAnnouncement.SESSION_PARAMETER);
		if (parameters != null) {
			sessions.addAll(parameters);
		}
		return sessions;
	}

	/** Binds the session the transport assigns before it can reach the client. */
	private final class BindingResponse extends ServerHttpResponseDecorator {

		private final String subject;

		private final SseEndpointAnnouncement announcement = new SseEndpointAnnouncement();

		BindingResponse(ServerHttpResponse response, String subject) {
			super(response);
			this.subject = subject;
			response.beforeCommit(() -> Mono.fromRunnable(() -> getHeaders()
				.getOrEmpty(McpSessionBindings.SESSION_HEADER)
				.forEach((session) -> McpSessionBindingWebFilter.this.bindings.bind(session, this.subject))));
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return super.writeWith(isEventStream() ? Flux.from(body).map(this::announce) : body);
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return super.writeAndFlushWith(isEventStream()
					? Flux.from(body).map((buffers) -> Flux.from(buffers).map(this::announce)) : body);
		}

		/** Reads a buffer an event stream is about to write (its framing is ASCII), binding what it announces. */
		private <T extends DataBuffer> T announce(T buffer) {
			String session = this.announcement
				.accept(buffer.toString(buffer.readPosition(), buffer.readableByteCount(), StandardCharsets.ISO_8859_1));
			if (session != null) {
				McpSessionBindingWebFilter.this.bindings.bind(session, this.subject);
			}
			return buffer;
		}

		private boolean isEventStream() {
			MediaType type = getHeaders().getContentType();
			return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
		}

	}

}
