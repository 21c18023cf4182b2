package dev.mcpoauth.server;

/**
 * Where a request was sent, as its web stack reads it (the {@code Host} header, or the forwarded headers the
 * application trusts): what {@link McpProtectedResource} derives the resource identifier and the metadata URL from
 * when none is configured. Each web stack adapts its request type ({@link ServletRequestOrigin},
 * {@link ServerRequestOrigin}); the decisions stay in {@link McpProtectedResource}.
 */
public interface RequestOrigin {

	/**
	 * @return the origin and context path of the request, e.g. {@code https://mcp.example/api}, or {@code null} when
	 * the request's host does not make a URL
	 */
	String contextUrl();

	/**
	 * @return the context path, e.g. {@code /api}, or the empty string
	 */
	String contextPath();

}
