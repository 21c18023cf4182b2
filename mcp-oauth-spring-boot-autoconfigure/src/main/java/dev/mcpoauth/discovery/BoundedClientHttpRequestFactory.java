package dev.mcpoauth.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A Spring {@link ClientHttpRequestFactory} over a {@link BoundedHttpClient}: each request's whole exchange, from
 * connecting to the last byte of the answer, ends within the deadline, and answers over the size limit are refused,
 * so a {@code RestClient} built on it never holds its caller longer than the deadline.
 */
public final class BoundedClientHttpRequestFactory implements ClientHttpRequestFactory {

	/** Headers the JDK client sets itself and refuses from callers. */
	private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

	private final BoundedHttpClient http;

	private final Duration deadline;

	/**
	 * @param http the client
	 * @param deadline the longest wait for a complete answer
	 */
	public BoundedClientHttpRequestFactory(BoundedHttpClient http, Duration deadline) {
		this.http = http;
		this.deadline = deadline;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
		return new BoundedRequest(uri, method);
	}

	private final class BoundedRequest extends AbstractBufferingClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		BoundedRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
			HttpRequest.Builder request = HttpRequest.newBuilder(this.uri)
				.timeout(BoundedClientHttpRequestFactory.this.deadline)
				.method(this.method.name(), (body.length > 0) ? HttpRequest.BodyPublishers.ofByteArray(body)
						: HttpRequest.BodyPublishers.noBody());
			headers.forEach((name, values) -> {
				if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
					values.forEach((value) -> request.header(name, value));
				}
			});
			return new BufferedResponse(
					BoundedClientHttpRequestFactory.this.http.send(request.build(), BoundedClientHttpRequestFactory.this.deadline));
		}

	}

	/** A complete answer, held in memory. */
	private static final class BufferedResponse implements ClientHttpResponse {

		private final HttpResponse<byte[]> response;

		private final HttpHeaders headers = new HttpHeaders();

		BufferedResponse(HttpResponse<byte[]> response) {
			this.response = response;
			for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
				this.headers.addAll(header.getKey(), header.getValue());
			}
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatusCode.valueOf(this.response.statusCode());
		}

		@Override
		public String getStatusText() {
			return "";
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(this.response.body());
		}

		@Override
		public void close() {
		}

	}

}
