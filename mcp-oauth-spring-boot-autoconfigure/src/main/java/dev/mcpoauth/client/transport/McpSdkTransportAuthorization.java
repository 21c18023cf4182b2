package dev.mcpoauth.client.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.mcpoauth.client.McpAuthorization;
import dev.mcpoauth.client.McpOAuthClientException;
import dev.mcpoauth.client.RequestCredentials;
import dev.mcpoauth.client.ServerUrlScope;
import dev.mcpoauth.client.discovery.BearerChallenge;

import org.springframework.http.HttpHeaders;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Plugs a registration into the MCP Java SDK's {@link HttpClientStreamableHttpTransport}: a request customizer
 * that attaches the token, and an authorization error handler that, after 401 or 403 {@code insufficient_scope},
 * gets a new token and lets the SDK replay the request; when no new token can help, the call fails with an
 * {@link McpOAuthClientException} carrying the server's {@code error}, {@code error_description} and status. Only
 * requests under the registration's {@code server-url} ({@link ServerUrlScope}) are touched; for any other the
 * handler declines to replay.
 * <p>
 * For cross-app access, the SDK runs both hooks on its own threads, where the user is not known: install it on the
 * client too ({@code authorization.applyTo(McpClient.sync(transport))}; done for Spring AI connections), so that each
 * call reads the user's ID token on the calling thread and carries it in the {@link McpTransportContext} to both
 * hooks. Without it, the hooks ask the {@code IdTokenResolver} on their own thread.
 * <p>
 * MCP Java SDK 2.0 (managed by the Spring AI 2.0.x BOMs) replays a refused request exactly as it was first sent,
 * without asking the request customizer again, so a replay cannot carry a new token. There the replay is made one
 * level down, by the transport's HTTP client ({@link ReplayingHttpClient}, which replaces the client builder the
 * transport was given), and the first request already carries a token (the authorization server is found from the
 * MCP server's well-known metadata rather than from its 401). That client runs on the SDK's threads and does not
 * know whose request it is, so for cross-app access it makes no replay: on SDK 2.0 and on the SSE transport a
 * cross-app step-up or renewal fails (closed).
 */
public final class McpSdkTransportAuthorization
		implements McpSyncHttpClientRequestCustomizer, McpHttpClientTransportAuthorizationErrorHandler {

	private static final String ID_TOKEN = McpSdkTransportAuthorization.class.getName() + ".idToken";

	private static final Log logger = LogFactory.getLog(McpSdkTransportAuthorization.class);

	/**
	 * Whether the SDK is 2.1 or later: its builder keeps a list of request customizers (2.0 has a single one, which
	 * this then takes), and it asks them again for each replay after an authorization error (2.0 does not).
	 */
	static final boolean SDK_2_1 = ClassUtils.hasMethod(HttpClientStreamableHttpTransport.Builder.class,
			"addHttpRequestCustomizer", McpSyncHttpClientRequestCustomizer.class);

	private final McpAuthorization authorization;

	private final ServerUrlScope scope;

	/** Where the SSE transport's messages may carry the token: the server-url's origin; else {@link #scope}. */
	private final ServerUrlScope messageScope;

	private final int maxReplays;

	/** Whether this is for the SSE transport ({@link #forSse}). */
	private final boolean sse;

	/** Whether requests carry a token from the first one on, as replays happen below the SDK. */
	private final boolean replaysBelowTheSdk;

	/**
	 * For the streamable HTTP transport.
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 */
	public McpSdkTransportAuthorization(McpAuthorization authorization, int maxStepUps) {
		this(authorization, maxStepUps, false);
	}

	private McpSdkTransportAuthorization(McpAuthorization authorization, int maxStepUps, boolean sse) {
		this.authorization = authorization;
		this.scope = new ServerUrlScope(authorization.serverUrl());
		this.messageScope = sse ? ServerUrlScope.originOf(authorization.serverUrl()) : this.scope;
		this.maxReplays = 1 + maxStepUps;
		this.sse = sse;
		this.replaysBelowTheSdk = sse || !SDK_2_1;
	}

	/**
	 * For the SSE transport ({@link HttpClientSseClientTransport}): its event stream is opened under the
	 * {@code server-url} ({@code /sse}), and only there does it carry the token; it posts messages to the endpoint the
	 * server announces on that stream, outside the {@code server-url}'s path but on its origin (the SDK refuses any
	 * other), so a message carries the token on any path of that origin ({@link ServerUrlScope#originOf}). The SDK has
	 * no authorization error handler there, so refused requests are replayed below it ({@link ReplayingHttpClient}) on
	 * every SDK version.
	 * @param authorization the registration's authorization
	 * @param maxStepUps how many step-ups a request may go through (plus one replay after 401)
	 * @return the authorization to {@linkplain #applyTo(HttpClientSseClientTransport.Builder) apply}
	 */
	public static McpSdkTransportAuthorization forSse(McpAuthorization authorization, int maxStepUps) {
		return new McpSdkTransportAuthorization(authorization, maxStepUps, true);
	}

	/**
	 * Install on a transport builder: on MCP Java SDK 2.1 and later as one more request customizer and as the
	 * authorization error handler; on 2.0 as the request customizer (which it holds only one of) and through a
	 * {@link ReplayingHttpClient}; and make its HTTP client never follow redirects, which would carry the token's
	 * header to wherever a {@code Location} points.
	 * @param builder the builder
	 * @return the builder
	 */
	public HttpClientStreamableHttpTransport.Builder applyTo(HttpClientStreamableHttpTransport.Builder builder) {
		if (SDK_2_1) {
			builder.addHttpRequestCustomizer(this).authorizationErrorHandler(this);
		}
		else {
			builder.httpRequestCustomizer(this)
				.clientBuilder(new ReplayingHttpClient.Builder(HttpClient.newBuilder(), this::replayCredentials,
						this.maxReplays));
		}
		return builder.customizeClient((client) -> client.followRedirects(HttpClient.Redirect.NEVER));
	}

	/**
	 * Install on an SSE transport builder (an authorization made {@link #forSse}): as a request customizer (one more
	 * on SDK 2.1, the only one on 2.0) and through a {@link ReplayingHttpClient}; its HTTP client follows no
	 * redirects.
	 * @param builder the builder
	 * @return the builder
	 * @throws IllegalStateException when this authorization was not made {@link #forSse}
	 */
	public HttpClientSseClientTransport.Builder applyTo(HttpClientSseClientTransport.Builder builder) {
		Assert.state(this.sse, "Use McpSdkTransportAuthorization.forSse(...) for the SSE transport");
		if (SDK_2_1) {
			builder.addHttpRequestCustomizer(this);
		}
		else {
			builder.httpRequestCustomizer(this);
		}
		return builder
			.clientBuilder(new ReplayingHttpClient.Builder(HttpClient.newBuilder(), this::replayCredentials, this.maxReplays))
			.customizeClient((client) -> client.followRedirects(HttpClient.Redirect.NEVER));
	}

	/**
	 * Install on a sync client: its calls carry the calling user's ID token to the transport's hooks.
	 * @param spec the client builder
	 * @return the client builder
	 */
	public McpClient.SyncSpec applyTo(McpClient.SyncSpec spec) {
		return spec.transportContextProvider(this::transportContext);
	}

	/**
	 * The transport context of a call made now, on the calling thread: it carries the user's ID token (cross-app
	 * access) to the request customizer and the authorization error handler, which run on other threads. An async
	 * client puts it in the Reactor context of its calls under {@link McpTransportContext#KEY}.
	 * @return the transport context
	 */
	public McpTransportContext transportContext() {
		return McpTransportContext.create(Map.of(ID_TOKEN, new CallerIdToken(this.authorization.currentIdToken())));
	}

	@Override
	public void customize(HttpRequest.Builder builder, String method, URI endpoint, String body,
			McpTransportContext context) {
		if (!covers(method, endpoint)) {
			return;
		}
		String idToken = idToken(context);
		RequestCredentials credentials = this.replaysBelowTheSdk
				? this.authorization.accessCredentials(method, endpoint, idToken)
				: this.authorization.credentials(method, endpoint, idToken);
		if (credentials != null) {
			credentials.applyTo(builder::setHeader);
		}
	}

	@Override
	public Publisher<Boolean> handle(HttpRequestSnapshot request, HttpResponse.ResponseInfo response,
			McpTransportContext context) {
		if (!this.scope.covers(request.requestUri())) {
			return Mono.just(false);
		}
		String idToken = idToken(context);
		List<String> challenges = response.headers().allValues(HttpHeaders.WWW_AUTHENTICATE);
		return Mono
			.fromCallable(() -> this.authorization.onErrorResponse(refusal(request.requestUri(), request.headers(),
					response), idToken))
			.flatMap((replay) -> replay ? Mono.just(true) : Mono.error(refused(response.statusCode(), challenges)))
			.subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The MCP server's refusal, when no new token can help, as the application sees it: its OAuth {@code error} and
	 * {@code error_description} from the challenge, and the HTTP status (instead of the SDK's bare "Authorization
	 * error").
	 */
	private McpOAuthClientException refused(int status, List<String> challenges) {
		BearerChallenge challenge = this.authorization.challenge(challenges);
		String error = (challenge.error() != null) ? BearerChallenge.printable(challenge.error(), 64)
				: (status == 403) ? "insufficient_scope" : "invalid_token";
		String description = (challenge.description() != null) ? challenge.description()
				: "The MCP server refused the access token";
		return new McpOAuthClientException(this.authorization.name(), error, description, status);
	}

	/**
	 * Below the SDK (SDK 2.0, and the SSE transport): the credentials to replay a refused request with, or
	 * {@code null};
	 * never throws into the HTTP client. A per-user registration never replays there: the HTTP client's thread does
	 * not know whose request it is (it may even see another user, with an inheritable security context).
	 */
	private RequestCredentials replayCredentials(HttpRequest request, HttpResponse.ResponseInfo response) {
		if (this.authorization.isPerUser() || !covers(request.method(), request.uri())) {
			return null;
		}
		try {
			String idToken = this.authorization.currentIdToken();
			boolean replay = this.authorization.onErrorResponse(refusal(request.uri(), request.headers(), response),
					idToken);
			return replay ? this.authorization.credentials(request.method(), request.uri(), idToken) : null;
		}
		catch (RuntimeException ex) {
			logger.debug("No replay of a request refused with " + response.statusCode() + " for MCP registration '"
					+ this.authorization.name() + "': " + ex.getMessage());
			return null;
		}
	}

	private static McpAuthorization.Refusal refusal(URI uri, java.net.http.HttpHeaders request,
			HttpResponse.ResponseInfo response) {
		return new McpAuthorization.Refusal(uri, response.statusCode(),
				response.headers().allValues(HttpHeaders.WWW_AUTHENTICATE),
				response.headers().firstValue(RequestCredentials.DPOP_NONCE).orElse(null),
				request.firstValue(HttpHeaders.AUTHORIZATION).orElse(null),
				request.firstValue(RequestCredentials.DPOP).orElse(null));
	}

	/** Whether a request may carry the token: an SSE message on the server-url's origin, else under the server-url. */
	private boolean covers(String method, URI uri) {
		return ("POST".equals(method) ? this.messageScope : this.scope).covers(uri);
	}

	/**
	 * The ID token (or resource owner) the call carries; a call without {@link #transportContext()} asks the resolver
	 * here, except for a web application's authorization code flow, whose user is never read on the SDK's thread
	 * (it may be another user's): such a call has none, and fails with {@code no_resource_owner}.
	 */
	private String idToken(McpTransportContext context) {
		Object carried = (context != null) ? context.get(ID_TOKEN) : null;
		if (carried instanceof CallerIdToken caller) {
			return caller.value();
		}
		return this.authorization.needsCarriedResourceOwner() ? null : this.authorization.currentIdToken();
	}

	@Override
	public int maxRetries() {
		return this.maxReplays;
	}

	@Override
	public String toString() {
		return "McpSdkTransportAuthorization[" + this.authorization.name() + "]";
	}

	/** The calling user's ID token, possibly {@code null}; kept out of {@code toString()}. */
	private record CallerIdToken(String value) {

		@Override
		public String toString() {
			return "CallerIdToken[(hidden)]";
		}

	}

}
