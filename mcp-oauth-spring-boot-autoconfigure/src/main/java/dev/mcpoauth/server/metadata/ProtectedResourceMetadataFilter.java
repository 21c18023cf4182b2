package dev.mcpoauth.server.metadata;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;

import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the RFC 9728 Protected Resource Metadata of the MCP endpoint at the path-suffixed well-known URI
 * ({@code /.well-known/oauth-protected-resource/mcp}) and at the root well-known URI, both relative to the context
 * path; the root one only while no other resource server of the application claims it ({@link RootMetadataOwnership},
 * applied by the chain's matcher). The document and the answer are {@link ProtectedResourceMetadataDocuments}'s;
 * this filter exists because Spring Security's {@code OAuth2ProtectedResourceMetadataFilter} derives
 * {@code resource} from the metadata URL (the root URL gives a resource without the endpoint path), cannot see the
 * request in its customizer, and claims {@code tls_client_certificate_bound_access_tokens=true}. Paths are read as
 * the security chain reads them (decoded, relative to the context path). Errors are answered directly, never through
 * the servlet error page, which other security chains of the application may guard. The servlet twin of
 * {@link ProtectedResourceMetadataWebFilter}.
 */
public final class ProtectedResourceMetadataFilter extends OncePerRequestFilter {

	private final ProtectedResourceMetadataDocuments documents;

	private final RequestMatcher wellKnown = PathPatternRequestMatcher.withDefaults()
		.matcher(McpProtectedResource.WELL_KNOWN_PATH + "/**");

	private final RequestMatcher documentPaths;

	/**
	 * @param resource the protected resource
	 * @param customizer fills in the fields besides {@code resource}
	 */
	public ProtectedResourceMetadataFilter(McpProtectedResource resource,
			ProtectedResourceMetadataCustomizer customizer) {
		this(new ProtectedResourceMetadataDocuments(resource, customizer));
	}

	/**
	 * @param documents the metadata
	 */
	public ProtectedResourceMetadataFilter(ProtectedResourceMetadataDocuments documents) {
		this.documents = documents;
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		this.documentPaths = new OrRequestMatcher(
				documents.paths().stream().<RequestMatcher>map(paths::matcher).toList());
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.wellKnown.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		ProtectedResourceMetadataDocuments.Answer answer = this.documents.answer(this.documentPaths.matches(request),
				request.getMethod(), ServletRequestOrigin.of(request));
		response.setStatus(answer.status().value());
		answer.headers().forEach(response::setHeader);
		if (answer.document() != null) {
			response.setContentLength(answer.document().length);
			if (answer.withBody()) {
				response.getOutputStream().write(answer.document());
			}
		}
	}

	/**
	 * The paths this filter answers, relative to the context path.
	 * @param resource the protected resource
	 * @return the path-suffixed and the root metadata path
	 */
	public static List<String> paths(McpProtectedResource resource) {
		return ProtectedResourceMetadataDocuments.paths(resource);
	}

}
