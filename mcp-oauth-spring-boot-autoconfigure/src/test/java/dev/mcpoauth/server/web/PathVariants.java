package dev.mcpoauth.server.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Other spellings of an MCP endpoint path that a router, a servlet mapping or a firewall could read differently:
 * percent-encoded letters, sub-paths, trailing and double slashes, {@code ;} parameters, case, {@code .} and
 * {@code ..} segments, encoded separators. Shared by the path-variant suites of every transport (the sample module
 * reads it from this module's test jar for Spring AI's transports).
 */
public final class PathVariants {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private PathVariants() {
	}

	/**
	 * The spellings of an endpoint.
	 * @param endpoint the endpoint path, e.g. {@code /mcp}
	 * @return the endpoint itself first, then its variants
	 */
	public static List<String> of(String endpoint) {
		String name = endpoint.substring(1);
		String first = name.substring(0, 1);
		String last = name.substring(name.length() - 1);
		String middle = name.substring(1, name.length() - 1);
		return List.of(endpoint, "/" + percent(first) + name.substring(1), "/" + first + middle + percent(last),
				"/" + percent(first).toLowerCase() + name.substring(1), endpoint + "/",
				endpoint + "/message", endpoint + endpoint, "/x" + endpoint, "/" + endpoint, endpoint + "//",
				endpoint + ";a=b", endpoint + "%3Ba=b", "/" + name.toUpperCase(), endpoint + "/.", endpoint + "/x/..",
				"/x/.." + endpoint, "/." + endpoint, "/%2e" + endpoint, endpoint + "/%2e%2e", endpoint + "%2F",
				endpoint + "%2Fmessage", endpoint + "%00", endpoint + "%20", endpoint + "?x=" + endpoint);
	}

	private static String percent(String character) {
		return String.format("%%%02X", (int) character.charAt(0));
	}

	/**
	 * POST a JSON body to a raw, unnormalised URL.
	 * @param url the URL, used as written
	 * @param token the bearer token
	 * @param sessionId the {@code Mcp-Session-Id}, or {@code null}
	 * @param body the JSON body
	 * @return the response
	 */
	public static HttpResponse<String> post(String url, String token, String sessionId, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (sessionId != null) {
			request.header("Mcp-Session-Id", sessionId);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(url, ex);
		}
	}

	/**
	 * A JSON-RPC {@code tools/call} of a tool without arguments.
	 * @param id the request id
	 * @param tool the tool name
	 * @return the message
	 */
	public static String toolCall(int id, String tool) {
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
				+ "\",\"arguments\":{}}}";
	}

}
