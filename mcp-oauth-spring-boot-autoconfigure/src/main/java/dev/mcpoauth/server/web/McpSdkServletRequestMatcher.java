package dev.mcpoauth.server.web;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.ClassUtils;

/**
 * Matches every request that the servlet container routes to a servlet transport of the MCP Java SDK
 * ({@code HttpServletStreamableServerTransportProvider}, {@code HttpServletSseServerTransportProvider},
 * {@code HttpServletStatelessServerTransport}, or a subclass), whatever its URL mapping. Those servlets serve any
 * request URI that ends with their endpoint, so under a mapping such as {@code /*} or {@code /mcp/*} paths other
 * than the endpoint reach the MCP server; the decision is taken on the container's own routing (the request's
 * {@link HttpServletMapping}), the reading that delivers the request, not on a second reading of the path.
 */
final class McpSdkServletRequestMatcher implements RequestMatcher {

	private static final List<String> TRANSPORT_TYPES = List.of(
			"io.modelcontextprotocol.spec.McpServerTransportProviderBase",
			"io.modelcontextprotocol.spec.McpStatelessServerTransport");

	private final ClassLoader classLoader;

	private final List<Class<?>> transportTypes;

	private final Map<String, Boolean> transportServlets = new ConcurrentHashMap<>();

	/**
	 * @param classLoader the class loader of the application
	 */
	McpSdkServletRequestMatcher(ClassLoader classLoader) {
		this.classLoader = classLoader;
		this.transportTypes = TRANSPORT_TYPES.stream()
			.filter((name) -> ClassUtils.isPresent(name, classLoader))
			.<Class<?>>map((name) -> ClassUtils.resolveClassName(name, classLoader))
			.toList();
	}

	@Override
	public boolean matches(HttpServletRequest request) {
		if (this.transportTypes.isEmpty()) {
			return false;
		}
		HttpServletMapping mapping = request.getHttpServletMapping();
		String servletName = (mapping != null) ? mapping.getServletName() : null;
		if (servletName == null) {
			return false;
		}
		return this.transportServlets.computeIfAbsent(servletName,
				(name) -> isTransport(request.getServletContext().getServletRegistration(name)));
	}

	private boolean isTransport(ServletRegistration registration) {
		if (registration == null || registration.getClassName() == null) {
			return false;
		}
		try {
			Class<?> servlet = ClassUtils.forName(registration.getClassName(), this.classLoader);
			return this.transportTypes.stream().anyMatch((type) -> type.isAssignableFrom(servlet));
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	@Override
	public String toString() {
		return "McpSdkServletRequestMatcher";
	}

}
