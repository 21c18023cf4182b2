package dev.mcpoauth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port that answers JSON documents at fixed paths (404 elsewhere) and records every
 * path it was asked for: a stand-in for an identity provider's discovery and JWK Set endpoints whose traffic a test
 * can count.
 */
public final class StubHttpServer implements AutoCloseable {

	private final HttpServer server;

	private final Map<String, Supplier<String>> documents = new ConcurrentHashMap<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	public StubHttpServer() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.createContext("/", (exchange) -> {
			String path = exchange.getRequestURI().getRawPath();
			this.requests.add(path);
			Supplier<String> document = this.documents.get(path);
			byte[] body = (document != null) ? document.get().getBytes(StandardCharsets.UTF_8) : new byte[0];
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders((document != null) ? 200 : 404, (body.length > 0) ? body.length : -1);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.start();
	}

	/** Base URL, {@code http://localhost:<port>}. */
	public String url() {
		return "http://localhost:" + this.server.getAddress().getPort();
	}

	public StubHttpServer serve(String path, Supplier<String> document) {
		this.documents.put(path, document);
		return this;
	}

	public StubHttpServer serve(String path, String document) {
		return serve(path, () -> document);
	}

	public List<String> requests() {
		return this.requests;
	}

	public long requestsFor(String path) {
		return this.requests.stream().filter(path::equals).count();
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
