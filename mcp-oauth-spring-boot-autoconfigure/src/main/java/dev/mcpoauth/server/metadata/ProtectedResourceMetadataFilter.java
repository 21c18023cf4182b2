package dev.mcpoauth.server.metadata;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import dev.mcpoauth.server.McpProtectedResource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the RFC 9728 Protected Resource Metadata of the MCP endpoint at the path-suffixed well-known URI
 * ({@code /.well-known/oauth-protected-resource/mcp}) and at the root well-known URI, both relative to the context
 * path; the root one only while no other resource server of the application claims it ({@link RootMetadataOwnership},
 * applied by the chain's matcher). The document is built with Spring Security's {@link OAuth2ProtectedResourceMetadata}; this filter exists
 * because Spring Security's {@code OAuth2ProtectedResourceMetadataFilter} derives {@code resource} from the
 * metadata URL (the root URL gives a resource without the endpoint path), cannot see the request in its customizer,
 * and claims {@code tls_client_certificate_bound_access_tokens=true}. Paths are read as the security chain reads
 * them (decoded, relative to the context path). A document derived from the request's host is sent with
 * {@code Cache-Control: no-store}; one with a configured resource may be cached for an hour. Other paths under the well-known prefix
 * answer 404. Errors are answered directly, never through the servlet error page, which other security chains
 * of the application may guard.
 */
public final class ProtectedResourceMetadataFilter extends OncePerRequestFilter {

	/** A document with a configured resource is the same for every request and may be shared by caches. */
	private static final String CACHE_CONTROL_SHARED = "public, max-age=3600";

	/** A document derived from the request's host must not be cached, or a forged Host could poison a cache. */
	private static final String CACHE_CONTROL_PER_REQUEST = "no-store";

	private final McpProtectedResource resource;

	private final ProtectedResourceMetadataCustomizer customizer;

	private final RequestMatcher wellKnown = PathPatternRequestMatcher.withDefaults()
		.matcher(McpProtectedResource.WELL_KNOWN_PATH + "/**");

	private final RequestMatcher documents;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * @param resource the protected resource
	 * @param customizer fills in the fields besides {@code resource}
	 */
	public ProtectedResourceMetadataFilter(McpProtectedResource resource,
			ProtectedResourceMetadataCustomizer customizer) {
		this.resource = resource;
		this.customizer = customizer;
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		this.documents = new OrRequestMatcher(paths(resource).stream().<RequestMatcher>map(paths::matcher).toList());
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.wellKnown.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		if (!this.documents.matches(request)) {
			response.setStatus(HttpServletResponse.SC_NOT_FOUND);
			return;
		}
		String method = request.getMethod();
		if (!HttpMethod.GET.matches(method) && !HttpMethod.HEAD.matches(method)) {
			response.setHeader(HttpHeaders.ALLOW, "GET, HEAD, OPTIONS");
			response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
			return;
		}
		OAuth2ProtectedResourceMetadata.Builder builder = OAuth2ProtectedResourceMetadata.builder()
			.resource(this.resource.resource(request));
		this.customizer.customize(builder);
		Map<String, Object> claims = builder.build().getClaims();
		byte[] body = this.json.writeValueAsBytes(claims);
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL,
				this.resource.dependsOnRequest() ? CACHE_CONTROL_PER_REQUEST : CACHE_CONTROL_SHARED);
		response.setContentLength(body.length);
		if (HttpMethod.GET.matches(method)) {
			response.getOutputStream().write(body);
		}
	}

	/**
	 * The paths this filter answers, relative to the context path.
	 * @param resource the protected resource
	 * @return the path-suffixed and the root metadata path
	 */
	public static List<String> paths(McpProtectedResource resource) {
		return List.of(resource.metadataPath(), McpProtectedResource.WELL_KNOWN_PATH);
	}

}
