package dev.mcpoauth.discovery;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * Fetches a document (metadata, a JWK Set) for Nimbus with a bound on the whole answer, not only on each read: a
 * server that sends its document one byte at a time, each within the read timeout, is cut off once the connect and
 * read timeouts have passed, and the exchange is cancelled (the JDK {@link HttpClient} aborts its connection). Larger
 * documents than the size limit, and answers other than 2xx, are refused with an {@link IOException}.
 */
public final class BoundedResourceRetriever implements ResourceRetriever {

	private final HttpClient http;

	private final Duration readTimeout;

	private final Duration deadline;

	private final int sizeLimit;

	/**
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the longest wait for the whole document once connected
	 * @param sizeLimit the largest document, in bytes
	 */
	public BoundedResourceRetriever(Duration connectTimeout, Duration readTimeout, int sizeLimit) {
		this.http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
		this.readTimeout = readTimeout;
		this.deadline = connectTimeout.plus(readTimeout);
		this.sizeLimit = sizeLimit;
	}

	@Override
	public Resource retrieveResource(URL url) throws IOException {
		HttpRequest request;
		try {
			request = HttpRequest.newBuilder(url.toURI()).timeout(this.readTimeout).GET().build();
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new IOException("Not a URL that can be requested: " + url, ex);
		}
		CompletableFuture<HttpResponse<byte[]>> exchange = this.http.sendAsync(request,
				(info) -> new LimitedBody(this.sizeLimit));
		try {
			HttpResponse<byte[]> response = exchange.get(this.deadline.toMillis(), TimeUnit.MILLISECONDS);
			if (response.statusCode() / 100 != 2) {
				throw new HttpStatusException(response.statusCode(), url);
			}
			return new Resource(new String(response.body(), StandardCharsets.UTF_8),
					response.headers().firstValue("Content-Type").orElse(null));
		}
		catch (TimeoutException ex) {
			exchange.cancel(true);
			throw new IOException("No complete answer from " + url + " within " + this.deadline.toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			exchange.cancel(true);
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while fetching " + url);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof IOException io) ? io : new IOException("Fetching " + url + " failed", cause);
		}
	}

	/**
	 * The server answered, but not with 2xx.
	 */
	public static final class HttpStatusException extends IOException {

		private final int status;

		HttpStatusException(int status, URL url) {
			super("HTTP " + status + " from " + url);
			this.status = status;
		}

		/**
		 * Whether an answer means that there is no document at the URL (any 4xx), so that a client may look
		 * elsewhere, as opposed to a failure to get an answer.
		 * @param failure a failure to retrieve a document
		 * @return whether the server answered that there is none
		 */
		public static boolean isAbsent(Exception failure) {
			return failure instanceof HttpStatusException answered && answered.status / 100 == 4;
		}

		/** @return the HTTP status */
		public int status() {
			return this.status;
		}

	}

	/** The body as bytes, refused once it grows past the limit. */
	private static final class LimitedBody implements BodySubscriber<byte[]> {

		private final BodySubscriber<byte[]> bytes = BodySubscribers.ofByteArray();

		private final int limit;

		private Flow.Subscription subscription;

		private long received;

		private boolean refused;

		LimitedBody(int limit) {
			this.limit = limit;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.bytes.getBody();
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			this.bytes.onSubscribe(subscription);
		}

		@Override
		public void onNext(List<ByteBuffer> items) {
			if (this.refused) {
				return;
			}
			for (ByteBuffer item : items) {
				this.received += item.remaining();
			}
			if (this.received > this.limit) {
				this.refused = true;
				this.subscription.cancel();
				this.bytes.onError(new IOException("The document is larger than " + this.limit + " bytes"));
				return;
			}
			this.bytes.onNext(items);
		}

		@Override
		public void onError(Throwable failure) {
			if (!this.refused) {
				this.bytes.onError(failure);
			}
		}

		@Override
		public void onComplete() {
			if (!this.refused) {
				this.bytes.onComplete();
			}
		}

	}

}
