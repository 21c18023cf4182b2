package dev.mcpoauth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port for tests: stands in for an identity provider's discovery, JWK Set and
 * token endpoints. Answers registered paths (404 elsewhere) and records every request, so a test can count them
 * and check what a client sent.
 */
public final class StubHttpServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(16);

	private final Map<String, Function<Request, Response>> handlers = new ConcurrentHashMap<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	public StubHttpServer() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.createContext("/", (exchange) -> {
			byte[] requestBody;
			try (InputStream in = exchange.getRequestBody()) {
				requestBody = in.readAllBytes();
			}
			Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
					exchange.getRequestHeaders(), new String(requestBody, StandardCharsets.UTF_8),
					exchange.getRequestURI().getRawQuery());
			this.requests.add(request);
			Function<Request, Response> handler = this.handlers.get(request.path());
			Response response = (handler != null) ? handler.apply(request) : new Response(404, "", Map.of());
			byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
			exchange.sendResponseHeaders(response.status(), (body.length > 0) ? body.length : -1);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	/** Base URL, {@code http://localhost:<port>}. */
	public String url() {
		return "http://localhost:" + this.server.getAddress().getPort();
	}

	public StubHttpServer handle(String path, Function<Request, Response> handler) {
		this.handlers.put(path, handler);
		return this;
	}

	public StubHttpServer serve(String path, Supplier<String> document) {
		return handle(path, (request) -> Response.json(document.get()));
	}

	public StubHttpServer serve(String path, String document) {
		return serve(path, () -> document);
	}

	/** The paths asked for, in order. */
	public List<String> requests() {
		return this.requests.stream().map(Request::path).toList();
	}

	/** Every request received, in order. */
	public List<Request> received() {
		return List.copyOf(this.requests);
	}

	/** The requests to a path, in order. */
	public List<Request> requestsTo(String path) {
		return this.requests.stream().filter((request) -> request.path().equals(path)).toList();
	}

	public long requestsFor(String path) {
		return requestsTo(path).size();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * A request as received.
	 *
	 * @param method the method
	 * @param path the raw path
	 * @param headers the headers
	 * @param body the body
	 * @param query the raw query, or {@code null}
	 */
	public record Request(String method, String path, Headers headers, String body, String query) {

		/** The body as an {@code application/x-www-form-urlencoded} form; repeated names keep the first. */
		public Map<String, String> form() {
			return decode(this.body);
		}

		/** The query parameters; repeated names keep the first. */
		public Map<String, String> queryParameters() {
			return decode((this.query != null) ? this.query : "");
		}

		private static Map<String, String> decode(String encoded) {
			Map<String, String> form = new LinkedHashMap<>();
			for (String pair : encoded.split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int equals = pair.indexOf('=');
				String name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8);
				String value = (equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8) : "";
				form.putIfAbsent(name, value);
			}
			return form;
		}

		public String header(String name) {
			return this.headers.getFirst(name);
		}

	}

	/**
	 * A response to send.
	 *
	 * @param status the status
	 * @param body the body
	 * @param headers extra headers
	 */
	public record Response(int status, String body, Map<String, String> headers) {

		public static Response json(String body) {
			return new Response(200, body, Map.of());
		}

		public static Response slow(Duration delay, Response response) {
			try {
				Thread.sleep(delay.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return response;
		}

	}

}
