package dev.mcpoauth.discovery;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JDK {@link HttpClient} whose exchanges are bounded as a whole, not only each read: an exchange that has not
 * delivered its complete answer by the deadline is cancelled (the JDK client aborts its connection) and fails with
 * an {@link IOException}, so a server that sends one byte at a time cannot hold the caller; an answer larger than
 * the size limit is refused as it arrives. Used for the documents of discovery and JWK Sets, and for introspection.
 */
public final class BoundedHttpClient {

	private final HttpClient http;

	private final int sizeLimit;

	/**
	 * @param connectTimeout the connect timeout
	 * @param redirects whether redirects are followed
	 * @param sizeLimit the largest answer body, in bytes
	 */
	public BoundedHttpClient(Duration connectTimeout, HttpClient.Redirect redirects, int sizeLimit) {
		this.http = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(redirects)
			.build();
		this.sizeLimit = sizeLimit;
	}

	/**
	 * Send a request and wait for the whole answer.
	 * @param request the request
	 * @param deadline the longest wait for the complete answer, connecting included
	 * @return the answer, whatever its status
	 * @throws IOException when there is no complete answer within the deadline, it is too large, or the exchange
	 * fails; the message names the request's URI (never its body)
	 */
	public HttpResponse<byte[]> send(HttpRequest request, Duration deadline) throws IOException {
		CompletableFuture<HttpResponse<byte[]>> exchange = this.http.sendAsync(request,
				(info) -> new LimitedBody(this.sizeLimit));
		try {
			return exchange.get(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			exchange.cancel(true);
			throw new IOException("No complete answer from " + request.uri() + " within " + deadline.toMillis() + " ms");
		}
		catch (InterruptedException ex) {
			exchange.cancel(true);
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting for " + request.uri());
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof IOException io) ? io
					: new IOException("The exchange with " + request.uri() + " failed", cause);
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
