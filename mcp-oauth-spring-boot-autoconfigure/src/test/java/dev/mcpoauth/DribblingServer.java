package dev.mcpoauth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 listener on loopback that answers every request with a 200 whose headers come at once and whose
 * body then trickles in, one byte per {@code interval}, each byte well inside any read timeout, for
 * {@code total}; then it closes the connection. A slowloris: no single read ever waits long, the whole answer
 * takes {@code total}. Stops by itself: every connection ends after {@code total}, and {@link #close()} ends all.
 */
public final class DribblingServer implements AutoCloseable {

	private final ServerSocket socket;

	private final ExecutorService executor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "dribbler");
		thread.setDaemon(true);
		return thread;
	});

	private final Duration interval;

	private final Duration total;

	private final int contentLength;

	public final AtomicInteger connections = new AtomicInteger();

	public DribblingServer(Duration interval, Duration total) {
		this(interval, total, 100_000);
	}

	/**
	 * @param interval the time between two bytes
	 * @param total how long each answer goes on
	 * @param contentLength the {@code Content-Length} declared (a short one makes the JDK keep the connection alive)
	 */
	public DribblingServer(Duration interval, Duration total, int contentLength) {
		this.interval = interval;
		this.total = total;
		this.contentLength = contentLength;
		try {
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.executor.execute(this::accept);
	}

	/** Base URL on the literal loopback address, {@code http://127.0.0.1:<port>}. */
	public String url() {
		return "http://127.0.0.1:" + this.socket.getLocalPort();
	}

	private void accept() {
		while (!this.socket.isClosed()) {
			try {
				Socket client = this.socket.accept();
				this.connections.incrementAndGet();
				this.executor.execute(() -> dribble(client));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void dribble(Socket client) {
		try (client) {
			client.setSoTimeout(2000);
			InputStream in = client.getInputStream();
			// read the request head
			int matched = 0;
			byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
			while (matched < end.length) {
				int b = in.read();
				if (b < 0) {
					return;
				}
				matched = (b == end[matched]) ? matched + 1 : ((b == end[0]) ? 1 : 0);
			}
			OutputStream out = client.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + this.contentLength
					+ "\r\n\r\n{")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			long deadline = System.nanoTime() + this.total.toNanos();
			while (System.nanoTime() < deadline && !this.socket.isClosed()) {
				Thread.sleep(this.interval.toMillis());
				out.write(' ');
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// client went away, or the test is over
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.executor.shutdownNow();
	}

}
