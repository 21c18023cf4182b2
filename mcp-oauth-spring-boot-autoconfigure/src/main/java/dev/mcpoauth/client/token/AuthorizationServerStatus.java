package dev.mcpoauth.client.token;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Whether one client registration's authorization server answered its last request: kept from the registration's
 * own requests (an interceptor of its {@link org.springframework.web.client.RestClient}s), and, for a health check,
 * refreshed in the background by one bounded request to the origin (scheme, host and port; no path, no query
 * string, no credentials) of the endpoint last asked when the last exchange is older than it accepts. A health check
 * never makes that request on its own thread and never waits for it: it reports the last known exchange. Any HTTP
 * answer, an error status included, counts as reached; no connection or no answer within the timeouts does not.
 * Nothing of a request or an answer is kept but the time, the endpoint's origin and the status.
 */
public final class AuthorizationServerStatus implements ClientHttpRequestInterceptor {

	/**
	 * Runs the health checks' requests of all registrations, one at a time, on a daemon thread that ends when idle:
	 * never a thread that serves requests (on WebFlux, Boot runs a health indicator on the pool that checks tokens).
	 */
	private static final Executor PROBES = probes();

	private final Clock clock;

	private final AtomicBoolean probing = new AtomicBoolean();

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
	 * The last exchange, as it is; when it is older than {@code maxAge}, one request (GET, without credentials, to
	 * the origin of the endpoint last asked: no path, no query string) is started in the background, within the
	 * registration's timeouts, unless one is under way already. Never waits for a request: a later call reports its
	 * outcome. So whoever calls this often causes at most one request at a time and one per {@code maxAge}, and
	 * none while the registration makes requests on its own.
	 * @param maxAge the oldest exchange reported without starting a request
	 * @return the last exchange, or {@code null} when the registration never made a request (its authorization
	 * server is not known yet)
	 */
	public Exchange recentExchange(Duration maxAge) {
		Exchange exchange = this.last;
		URI target = this.endpoint;
		ClientHttpRequestFactory factory = this.requestFactory;
		if (exchange == null || target == null || factory == null
				|| exchange.at().plus(maxAge).isAfter(this.clock.instant())) {
			return exchange;
		}
		if (this.probing.compareAndSet(false, true)) {
			try {
				PROBES.execute(() -> probe(factory, target));
			}
			catch (RejectedExecutionException ex) {
				this.probing.set(false);
			}
		}
		return exchange;
	}

	private void probe(ClientHttpRequestFactory factory, URI target) {
		String origin = origin(target);
		try (ClientHttpResponse response = factory.createRequest(URI.create(origin + "/"), HttpMethod.GET)
			.execute()) {
			this.last = new Exchange(this.clock.instant(), origin, response.getStatusCode().value(), null);
		}
		catch (IOException | RuntimeException ex) {
			this.last = new Exchange(this.clock.instant(), origin, 0, ex.getClass().getSimpleName());
		}
		finally {
			this.probing.set(false);
		}
	}

	private static Executor probes() {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "mcp-oauth-authorization-server-probe");
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
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
