package dev.mcpoauth.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load generator on loopback: each thread opens one MCP session (initialize) and then sends
 * {@code tools/list} as fast as answers come, for a warm-up and then a measured period; prints requests per second.
 * Any answer other than 200, in the warm-up or the measured period, counts as an error and is reported. During the
 * warm-up the throughput of each 10-second window goes to standard error, so it can be seen that the server had
 * reached a steady state (its JIT compiler finished) before the measured period began.
 * With {@code @file} instead of a token, every request takes the next of the tokens in that file (one per line),
 * round robin over all threads, so that a validating server sees a different token on consecutive requests.
 * Usage: {@code McpLoad <label> <mcp-url> <bearer-token | @token-file | "none"> <threads> <warmup-seconds> <seconds>}
 */
public final class McpLoad {

	private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
			+ "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"load\",\"version\":\"1\"}}}";

	private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

	private McpLoad() {
	}

	public static void main(String[] args) throws Exception {
		String label = args[0];
		URI url = URI.create(args[1]);
		Tokens tokens = Tokens.of(args[2]);
		int threads = Integer.parseInt(args[3]);
		Duration warmup = Duration.ofSeconds(Long.parseLong(args[4]));
		Duration measured = Duration.ofSeconds(Long.parseLong(args[5]));
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		LongAdder done = new LongAdder();
		LongAdder errors = new LongAdder();
		AtomicBoolean counting = new AtomicBoolean();
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<Future<?>> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			workers.add(pool.submit(() -> {
				HttpResponse<String> init = http.send(request(url, tokens.next(), null, INITIALIZE), HttpResponse.BodyHandlers.ofString());
				String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(
						() -> new IllegalStateException("initialize answered " + init.statusCode()));
				http.send(request(url, tokens.next(), session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
						HttpResponse.BodyHandlers.discarding());
				while (running.get()) {
					HttpResponse<String> response = http.send(request(url, tokens.next(), session, TOOLS_LIST),
							HttpResponse.BodyHandlers.ofString());
					if (counting.get()) {
						(response.statusCode() == 200 ? done : errors).increment();
					}
				}
				return null;
			}));
		}
		double seconds;
		try {
			warmUp(warmup, done, counting);
			done.reset();
			counting.set(true);
			long start = System.nanoTime();
			Thread.sleep(measured.toMillis());
			counting.set(false);
			seconds = (System.nanoTime() - start) / 1e9;
			running.set(false);
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			running.set(false);
			pool.shutdownNow();
		}
		System.out.printf("%s %.1f req/s (%d requests, %d errors, %d threads, %.1f s)%n",
				label, done.sum() / seconds, done.sum(), errors.sum(), threads, seconds);
	}

	/** Counts answers in 10-second windows while the warm-up lasts and reports each window on standard error. */
	private static void warmUp(Duration warmup, LongAdder done, AtomicBoolean counting) throws InterruptedException {
		long end = System.nanoTime() + warmup.toNanos();
		counting.set(true);
		for (long left = warmup.toMillis(); left > 0; left = (end - System.nanoTime()) / 1_000_000) {
			long window = Math.min(left, 10_000);
			long before = done.sum();
			Thread.sleep(window);
			System.err.printf("  warm-up window: %.1f req/s%n", (done.sum() - before) * 1000.0 / window);
		}
		counting.set(false);
	}

	/** The tokens to send: none, one, or a file's, in turn. */
	private record Tokens(List<String> values, AtomicInteger turn) {

		static Tokens of(String argument) throws IOException {
			if ("none".equals(argument)) {
				return new Tokens(List.of(), new AtomicInteger());
			}
			List<String> values = argument.startsWith("@")
					? Files.readAllLines(Path.of(argument.substring(1))).stream().filter((line) -> !line.isBlank()).toList()
					: List.of(argument);
			if (values.isEmpty()) {
				throw new IllegalArgumentException("No token in " + argument);
			}
			return new Tokens(values, new AtomicInteger());
		}

		String next() {
			return this.values.isEmpty() ? null
					: this.values.get(Math.floorMod(this.turn.getAndIncrement(), this.values.size()));
		}

	}

	private static HttpRequest request(URI url, String token, String session, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(url)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (session != null) {
			request.header("Mcp-Session-Id", session);
		}
		return request.build();
	}

}
