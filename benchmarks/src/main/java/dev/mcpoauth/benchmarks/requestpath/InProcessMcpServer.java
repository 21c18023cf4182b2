package dev.mcpoauth.benchmarks.requestpath;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

import dev.mcpoauth.sample.SampleApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The sample MCP server started in this JVM and called the way its servlet container calls it, without a socket:
 * Spring Security's filter chain ({@code springSecurityFilterChain}, a {@code FilterChainProxy}) in front of the
 * {@link DispatcherServlet}, with mock requests and responses; an asynchronous (SSE) answer is awaited and its
 * {@code ASYNC} dispatch runs through the same chain, as the container would run it. The HTTP port serves only the
 * set-up (tokens from the embedded authorization server, the peer's discovery of its issuer).
 */
final class InProcessMcpServer implements AutoCloseable {

	private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

	private final ConfigurableApplicationContext context;

	private final ServletContext servletContext;

	private final int port;

	private final Filter security;

	private final FilterChain dispatch;

	private InProcessMcpServer(ConfigurableApplicationContext context, int port) {
		this.context = context;
		this.servletContext = ((WebApplicationContext) context).getServletContext();
		this.port = port;
		this.security = context.getBean("springSecurityFilterChain", Filter.class);
		DispatcherServlet dispatcher = context.getBean(DispatcherServlet.class);
		this.dispatch = dispatcher::service;
	}

	/**
	 * Start the sample.
	 * @param profile the Spring profile ({@code default}, {@code load-baseline}, {@code load-peer})
	 * @param arguments further command-line arguments of the sample
	 * @return the running sample
	 */
	static InProcessMcpServer start(String profile, List<String> arguments) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--spring.profiles.active=" + profile,
				"--logging.level.root=WARN", "--spring.mvc.servlet.load-on-startup=1"));
		args.addAll(arguments);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run(args.toArray(String[]::new));
		return new InProcessMcpServer(context, port);
	}

	/**
	 * A new access token for the sample's MCP endpoint, from its embedded authorization server.
	 * @return the token
	 */
	String token() throws IOException, InterruptedException {
		String credentials = Base64.getEncoder().encodeToString("sample-client:sample-secret".getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/oauth2/token"))
			.header("Authorization", "Basic " + credentials)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=mcp:tools"))
			.build();
		String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
		Matcher token = ACCESS_TOKEN.matcher(body);
		if (!token.find()) {
			throw new IllegalStateException("No access token: " + body);
		}
		return token.group(1);
	}

	/**
	 * Open an MCP session ({@code initialize}, then {@code notifications/initialized}).
	 * @param token the access token
	 * @return the session id
	 */
	String openSession(String token) throws Exception {
		MockHttpServletResponse initialized = post(token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
				+ "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
				+ "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
		String session = initialized.getHeader("Mcp-Session-Id");
		if (session == null) {
			throw new IllegalStateException("initialize answered " + initialized.getStatus());
		}
		post(token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
		return session;
	}

	/**
	 * POST a JSON-RPC message to {@code /mcp} and wait for the whole answer.
	 * @param token the access token, or {@code null}
	 * @param session the MCP session id, or {@code null}
	 * @param body the message
	 * @return the answer
	 */
	MockHttpServletResponse post(String token, String session, String body) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest(this.servletContext, "POST", "/mcp");
		request.setServletPath("/mcp");
		request.setServerPort(this.port);
		request.setAsyncSupported(true);
		request.setContentType("application/json");
		request.addHeader("Accept", "application/json, text/event-stream");
		if (token != null) {
			request.addHeader("Authorization", "Bearer " + token);
		}
		if (session != null) {
			request.addHeader("Mcp-Session-Id", session);
		}
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.security.doFilter(request, response, this.dispatch);
		if (request.isAsyncStarted()) {
			awaitAsyncDispatch(request);
			request.setDispatcherType(DispatcherType.ASYNC);
			request.setAsyncStarted(false);
			this.security.doFilter(request, response, this.dispatch);
		}
		return response;
	}

	private static void awaitAsyncDispatch(MockHttpServletRequest request) throws InterruptedException, ServletException {
		CountDownLatch dispatched = new CountDownLatch(1);
		((MockAsyncContext) request.getAsyncContext()).addDispatchHandler(dispatched::countDown);
		if (!dispatched.await(10, TimeUnit.SECONDS)) {
			throw new ServletException("The asynchronous answer did not complete");
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
