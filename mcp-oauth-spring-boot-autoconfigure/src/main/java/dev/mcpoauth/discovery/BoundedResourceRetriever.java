package dev.mcpoauth.discovery;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;

/**
 * Nimbus's {@link DefaultResourceRetriever} with a bound on the whole answer, not only on each read: a server that
 * sends its document one byte at a time, each within the read timeout, is cut off once the connect timeout and the
 * read timeout have passed since the retrieval began (its connection is closed from a timer thread, which ends the
 * blocked read). Used for every document fetched from the network: metadata, JWK Sets.
 */
public final class BoundedResourceRetriever extends DefaultResourceRetriever {

	private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "mcp-oauth-retrieval-deadline");
		thread.setDaemon(true);
		return thread;
	});

	private final Duration total;

	private final ThreadLocal<AtomicReference<HttpURLConnection>> current = new ThreadLocal<>();

	/**
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the longest wait for the whole document, from the request to its last byte
	 * @param sizeLimit the largest document, in bytes
	 */
	public BoundedResourceRetriever(Duration connectTimeout, Duration readTimeout, int sizeLimit) {
		super((int) connectTimeout.toMillis(), (int) readTimeout.toMillis(), sizeLimit, false);
		this.total = readTimeout;
	}

	@Override
	public Resource retrieveResource(URL url) throws IOException {
		AtomicReference<HttpURLConnection> connection = new AtomicReference<>();
		AtomicBoolean expired = new AtomicBoolean();
		this.current.set(connection);
		ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
			expired.set(true);
			HttpURLConnection opened = connection.get();
			if (opened != null) {
				opened.disconnect();
			}
		}, getConnectTimeout() + this.total.toMillis(), TimeUnit.MILLISECONDS);
		try {
			return super.retrieveResource(url);
		}
		catch (IOException ex) {
			if (expired.get()) {
				throw new IOException("No complete answer from " + url + " within " + this.total.toMillis() + " ms");
			}
			throw ex;
		}
		finally {
			deadline.cancel(false);
			this.current.remove();
		}
	}

	@Override
	protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
		HttpURLConnection connection = super.openHTTPConnection(url);
		AtomicReference<HttpURLConnection> holder = this.current.get();
		if (holder != null) {
			holder.set(connection);
		}
		return connection;
	}

}
