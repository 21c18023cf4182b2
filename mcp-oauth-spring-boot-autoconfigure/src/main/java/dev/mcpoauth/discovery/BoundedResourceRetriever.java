package dev.mcpoauth.discovery;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * Fetches a document (metadata, a JWK Set) for Nimbus with a bound on the whole answer, not only on each read: a
 * server that sends its document one byte at a time, each within the read timeout, is cut off once the connect and
 * read timeouts have passed, and the exchange is cancelled ({@link BoundedHttpClient}). Larger documents than the
 * size limit, and answers other than 2xx, are refused with an {@link IOException}.
 */
public final class BoundedResourceRetriever implements ResourceRetriever {

	private final BoundedHttpClient http;

	private final Duration readTimeout;

	private final Duration deadline;

	/**
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the longest wait for the whole document once connected
	 * @param sizeLimit the largest document, in bytes
	 */
	public BoundedResourceRetriever(Duration connectTimeout, Duration readTimeout, int sizeLimit) {
		this.http = new BoundedHttpClient(connectTimeout, HttpClient.Redirect.NORMAL, sizeLimit);
		this.readTimeout = readTimeout;
		this.deadline = connectTimeout.plus(readTimeout);
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
		HttpResponse<byte[]> response = this.http.send(request, this.deadline);
		if (response.statusCode() / 100 != 2) {
			throw new HttpStatusException(response.statusCode(), url);
		}
		return new Resource(new String(response.body(), StandardCharsets.UTF_8),
				response.headers().firstValue("Content-Type").orElse(null));
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

}
