package dev.mcpoauth.client.transport;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import dev.mcpoauth.client.RequestCredentials;

/**
 * A JDK {@link HttpClient} that replays a request refused with 401 or 403 with a new token, below the MCP Java SDK
 * 2.0 transport, whose own retry resends a refused request unchanged. When the response's headers arrive, the
 * {@link Replays} decide (on the client's thread, before any body is read) whether a new token can help; if so the
 * refused body is discarded and the request is sent again with the new credentials (the token, and with DPoP a new
 * proof instead of the refused one), at most {@code maxReplays} times, and the transport only ever sees the final
 * answer.
 */
final class ReplayingHttpClient extends HttpClient {

	private final HttpClient delegate;

	private final Replays replays;

	private final int maxReplays;

	ReplayingHttpClient(HttpClient delegate, Replays replays, int maxReplays) {
		this.delegate = delegate;
		this.replays = replays;
		this.maxReplays = maxReplays;
	}

	@Override
	public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
		return send(request, handler, this.maxReplays);
	}

	@Override
	public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
			PushPromiseHandler<T> pushPromiseHandler) {
		return send(request, handler, this.maxReplays);
	}

	@Override
	public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
			throws IOException, InterruptedException {
		try {
			return send(request, handler, this.maxReplays).get();
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
		}
	}

	private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, BodyHandler<T> handler, int replaysLeft) {
		if (replaysLeft == 0) {
			return this.delegate.sendAsync(request, handler);
		}
		AtomicReference<RequestCredentials> newToken = new AtomicReference<>();
		BodyHandler<T> deciding = (info) -> {
			if (info.statusCode() == 401 || info.statusCode() == 403) {
				RequestCredentials token = this.replays.newToken(request, info);
				if (token != null) {
					newToken.set(token);
					return BodySubscribers.replacing(null);
				}
			}
			return handler.apply(info);
		};
		return this.delegate.sendAsync(request, deciding).thenCompose((response) -> {
			RequestCredentials token = newToken.get();
			if (token == null) {
				return CompletableFuture.completedFuture(response);
			}
			HttpRequest.Builder replay = HttpRequest.newBuilder(request,
					(name, value) -> !RequestCredentials.AUTHORIZATION.equalsIgnoreCase(name)
							&& !RequestCredentials.DPOP.equalsIgnoreCase(name));
			token.applyTo(replay::setHeader);
			return send(replay.build(), handler, replaysLeft - 1);
		});
	}

	@Override
	public Optional<CookieHandler> cookieHandler() {
		return this.delegate.cookieHandler();
	}

	@Override
	public Optional<Duration> connectTimeout() {
		return this.delegate.connectTimeout();
	}

	@Override
	public Redirect followRedirects() {
		return this.delegate.followRedirects();
	}

	@Override
	public Optional<ProxySelector> proxy() {
		return this.delegate.proxy();
	}

	@Override
	public SSLContext sslContext() {
		return this.delegate.sslContext();
	}

	@Override
	public SSLParameters sslParameters() {
		return this.delegate.sslParameters();
	}

	@Override
	public Optional<Authenticator> authenticator() {
		return this.delegate.authenticator();
	}

	@Override
	public Version version() {
		return this.delegate.version();
	}

	@Override
	public Optional<Executor> executor() {
		return this.delegate.executor();
	}

	/** Decides whether a refused request can succeed with a new token. */
	interface Replays {

		/**
		 * @param request the refused request
		 * @param response the refusal's status and headers
		 * @return the credentials to replay with, or {@code null} to hand the refusal to the transport
		 */
		RequestCredentials newToken(HttpRequest request, HttpResponse.ResponseInfo response);

	}

	/** Builds the delegate with every setting the transport makes, then wraps it. */
	static final class Builder implements HttpClient.Builder {

		private final HttpClient.Builder delegate;

		private final Replays replays;

		private final int maxReplays;

		Builder(HttpClient.Builder delegate, Replays replays, int maxReplays) {
			this.delegate = delegate;
			this.replays = replays;
			this.maxReplays = maxReplays;
		}

		@Override
		public Builder cookieHandler(CookieHandler cookieHandler) {
			this.delegate.cookieHandler(cookieHandler);
			return this;
		}

		@Override
		public Builder connectTimeout(Duration duration) {
			this.delegate.connectTimeout(duration);
			return this;
		}

		@Override
		public Builder sslContext(SSLContext sslContext) {
			this.delegate.sslContext(sslContext);
			return this;
		}

		@Override
		public Builder sslParameters(SSLParameters sslParameters) {
			this.delegate.sslParameters(sslParameters);
			return this;
		}

		@Override
		public Builder executor(Executor executor) {
			this.delegate.executor(executor);
			return this;
		}

		@Override
		public Builder followRedirects(Redirect policy) {
			this.delegate.followRedirects(policy);
			return this;
		}

		@Override
		public Builder version(Version version) {
			this.delegate.version(version);
			return this;
		}

		@Override
		public Builder priority(int priority) {
			this.delegate.priority(priority);
			return this;
		}

		@Override
		public Builder proxy(ProxySelector proxySelector) {
			this.delegate.proxy(proxySelector);
			return this;
		}

		@Override
		public Builder authenticator(Authenticator authenticator) {
			this.delegate.authenticator(authenticator);
			return this;
		}

		@Override
		public HttpClient build() {
			return new ReplayingHttpClient(this.delegate.build(), this.replays, this.maxReplays);
		}

	}

}
