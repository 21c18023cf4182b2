package dev.mcpoauth.client.authorizationcode;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.util.UrlUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * Checks an authorization response at an MCP registration's {@code redirect-uri} before Spring Security's
 * {@code OAuth2AuthorizationCodeGrantFilter} exchanges its code: the checks of the headless flow
 * ({@link AuthorizationResponses}: the redirect target, no parameter twice, RFC 9207 {@code iss} against the issuer
 * the request was sent to, an {@code error} answer), read from the servlet request's decoded parameters, the view
 * Spring Security's filter exchanges the code from (so {@code c%6Fde=x&code=y} has two {@code code}s), and that the
 * signed-in user ({@link ResourceOwnerKey}) is the one the request was made for. A refused answer drops the saved
 * authorization request (its code is never exchanged, no token is stored) and gets a plain 400 page naming the
 * error, as does the callback's own report of a failed code exchange. An answer at the {@code redirect-uri} that
 * matches no saved request of this session (an unknown, expired or tampered {@code state}, or none) gets a fixed
 * message: its {@code error} and {@code error_description} are not the authorization server's, and are not shown
 * (content spoofing). Everything on the page that came from the network is HTML-escaped; the code never appears.
 */
final class McpAuthorizationResponseFilter extends OncePerRequestFilter {

	private static final Log logger = LogFactory.getLog(McpAuthorizationResponseFilter.class);

	private final AuthorizationCodeState state;

	private final Set<String> callbackPaths;

	private final AuthorizationRequestRepository<OAuth2AuthorizationRequest> authorizationRequests;

	private final SecurityContextHolderStrategy securityContexts = SecurityContextHolder.getContextHolderStrategy();

	/**
	 * @param state the flow's state, which names the signed-in user ({@link ResourceOwnerKey})
	 * @param callbackPaths the paths of the MCP registrations' redirect URIs
	 * @param authorizationRequests where the redirect filter saved the authorization requests
	 */
	McpAuthorizationResponseFilter(AuthorizationCodeState state, Set<String> callbackPaths,
			AuthorizationRequestRepository<OAuth2AuthorizationRequest> authorizationRequests) {
		this.state = state;
		this.callbackPaths = Set.copyOf(callbackPaths);
		this.authorizationRequests = authorizationRequests;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.callbackPaths.contains(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		OAuth2AuthorizationRequest saved = (request.getParameter(OAuth2ParameterNames.STATE) != null)
				? this.authorizationRequests.loadAuthorizationRequest(request) : null;
		if (saved != null && saved.getAttribute(AuthorizationCodeProvider.REGISTRATION_NAME) == null) {
			chain.doFilter(request, response);
			return;
		}
		if (saved == null) {
			// Not the authorization server's answer to this session: nothing of it is shown (content spoofing).
			refuse(response, "invalid_state", "This answer matches no authorization request of this session (an "
					+ "unknown, expired or altered state); no token was stored");
			return;
		}
		try {
			String user = WebAuthorizationCodeUserAgent.signedInUser(this.state, this.securityContexts);
			if (!Objects.equals(saved.getAttribute(AuthorizationCodeProvider.RESOURCE_OWNER), user)) {
				throw new McpOAuthClientException(saved.getAttribute(AuthorizationCodeProvider.REGISTRATION_NAME),
						"invalid_request", "The authorization request was made for another user than the one signed "
								+ "in; refusing the answer",
						0);
			}
			AuthorizationResponses.read(
					URI.create(UrlUtils.buildFullRequestUrl(request.getScheme(), request.getServerName(),
							request.getServerPort(), request.getRequestURI(), null)),
					parameters(request), saved);
		}
		catch (McpOAuthClientException | IllegalArgumentException ex) {
			this.authorizationRequests.removeAuthorizationRequest(request, response);
			McpOAuthClientException refusal = (ex instanceof McpOAuthClientException mcp) ? mcp
					: new McpOAuthClientException(saved.getAttribute(AuthorizationCodeProvider.REGISTRATION_NAME),
							"invalid_request", "The authorization response is not a valid URI", 0);
			logger.info(refusal.getMessage());
			refuse(response, refusal.getError(), refusal.getErrorDescription());
			return;
		}
		chain.doFilter(request, response);
	}

	/**
	 * The response parameters as the servlet container decoded them, the view Spring Security's
	 * {@code OAuth2AuthorizationCodeGrantFilter} reads the code and the state from (the first of each).
	 */
	private static MultiValueMap<String, String> parameters(HttpServletRequest request) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		request.getParameterMap().forEach((name, values) -> parameters.put(name, Arrays.asList(values)));
		return parameters;
	}

	private static void refuse(HttpServletResponse response, String error, String description) throws IOException {
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.TEXT_HTML_VALUE);
		response.setCharacterEncoding("UTF-8");
		response.setHeader("Cache-Control", "no-store");
		response.getWriter()
			.write("<!DOCTYPE html><html><head><title>Authorization refused</title></head><body>"
					+ "<h1>The authorization was refused</h1><p id=\"error\">" + HtmlUtils.htmlEscape(error)
					+ "</p><p id=\"error-description\">"
					+ HtmlUtils.htmlEscape((description != null) ? description : "") + "</p></body></html>");
	}

}
