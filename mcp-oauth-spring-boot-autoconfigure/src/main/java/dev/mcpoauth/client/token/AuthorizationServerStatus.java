package dev.mcpoauth.client.token;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Whether one client registration's authorization server answered its last request: kept from the registration's
 * own requests (an interceptor of its {@link org.springframework.web.client.RestClient}s), and, for a health check,
 * refreshed by one bounded request to the same endpoint when the last one is older than it accepts. Any HTTP answer,
 * an error status included, counts as reached; no connection or no answer within the timeouts does not. Nothing of a
 * request or an answer is kept but the time, the endpoint's origin and the status.
 */
public final class AuthorizationServerStatus implements ClientHttpRequestInterceptor {

	private final Clock clock;

	private volatile Exchange last;

	private volatile ClientHttpRequestFactory requestFactory;

	private volatile URI endpoint;

	/**
	 * @param clock the clock of the exchange times
	 */
	public AuthorizationServerStatus(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The requests go through this factory (timeouts, no redirects); a health check's own request too.
	 * @param requestFactory the registration's request factory
	 */
	void useRequestFactory(ClientHttpRequestFactory requestFactory) {
		this.requestFactory = requestFactory;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		this.endpoint = request.getURI();
		try {
			ClientHttpResponse response = execution.execute(request, body);
			this.last = new Exchange(this.clock.instant(), origin(request.getURI()), response.getStatusCode().value(),
					null);
			return response;
		}
		catch (IOException ex) {
			this.last = new Exchange(this.clock.instant(), origin(request.getURI()), 0, ex.getClass().getSimpleName());
			throw ex;
		}
	}

	/** @return the last exchange, or {@code null} before the first request */
	public Exchange lastExchange() {
		return this.last;
	}

	/**
	 * The last exchange when it is recent enough; else one request (GET, without credentials) to the endpoint
	 * last asked, within the registration's timeouts. So whoever calls this often causes at most one request per
	 * {@code maxAge}, and none while the registration makes requests on its own.
	 * @param maxAge the oldest exchange accepted
	 * @return the exchange, or {@code null} when the registration never made a request (its authorization server is
	 * not known yet)
	 */
	public synchronized Exchange recentExchange(Duration maxAge) {
		Exchange exchange = this.last;
		URI target = this.endpoint;
		ClientHttpRequestFactory factory = this.requestFactory;
		if (exchange == null || target == null || factory == null
				|| exchange.at().plus(maxAge).isAfter(this.clock.instant())) {
			return exchange;
		}
		try (ClientHttpResponse response = factory.createRequest(target, HttpMethod.GET).execute()) {
			this.last = new Exchange(this.clock.instant(), origin(target), response.getStatusCode().value(), null);
		}
		catch (IOException | RuntimeException ex) {
			this.last = new Exchange(this.clock.instant(), origin(target), 0, ex.getClass().getSimpleName());
		}
		return this.last;
	}

	private static String origin(URI uri) {
		return uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
	}

	/**
	 * One request's outcome.
	 * @param at when it ended
	 * @param origin the authorization server's origin (scheme, host, port)
	 * @param status the HTTP status, or 0 when there was no answer
	 * @param failure why there was no answer (an exception's type), or {@code null}
	 */
	public record Exchange(Instant at, String origin, int status, String failure) {

		/** @return whether the authorization server answered */
		public boolean reached() {
			return this.failure == null;
		}

	}

}
