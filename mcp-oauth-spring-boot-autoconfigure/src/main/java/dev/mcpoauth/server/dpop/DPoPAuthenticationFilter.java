package dev.mcpoauth.server.dpop;

import java.util.Collections;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.mcpoauth.server.McpProtectedResource;
import dev.mcpoauth.server.ServletRequestOrigin;
import dev.mcpoauth.server.authentication.HeaderOnlyBearerTokenResolver;

import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.DPoPAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFilter;

/**
 * The servlet side of DPoP: Spring Security's {@link AuthenticationFilter} for requests with the {@code DPoP}
 * scheme, in front of the bearer token filter (which leaves them alone). It only translates: the access token (read
 * as the bearer one is, from the one {@code Authorization} header), every {@code DPoP} header, the method and the
 * URL the request targets ({@link DPoPTargetUri}, from the resource identifier the audience check uses too) go to
 * {@link DPoPProofVerifier}, which decides; a refusal goes to the MCP entry point (its challenge) and, when nonces
 * are on, every answer to a DPoP request carries the current {@code DPoP-Nonce}. The authentication is the access
 * token's own, so scopes, tool scopes, session binding and the tools' view of the caller are those of a bearer
 * token.
 */
public final class DPoPAuthenticationFilter extends AuthenticationFilter {

	private static final HeaderOnlyBearerTokenResolver DPOP_TOKENS = new HeaderOnlyBearerTokenResolver("DPoP");

	/**
	 * @param verifier decides
	 * @param accessTokens authenticates access tokens for a request, as for bearer tokens
	 * @param resource the protected resource
	 * @param entryPoint answers refusals
	 */
	public DPoPAuthenticationFilter(DPoPProofVerifier verifier,
			AuthenticationManagerResolver<HttpServletRequest> accessTokens, McpProtectedResource resource,
			AuthenticationEntryPoint entryPoint) {
		super(authenticationManagers(verifier, accessTokens), converter(verifier, resource));
		setSuccessHandler((request, response, authentication) -> writeNonce(verifier, response));
		setFailureHandler((request, response, exception) -> {
			writeNonce(verifier, response);
			entryPoint.commence(request, response, exception);
		});
	}

	/**
	 * A bearer token resolver for an endpoint that accepts DPoP-bound tokens only: a bearer token is refused with
	 * {@code invalid_token}, which the entry point answers with a {@code DPoP} challenge.
	 * @param bearer reads bearer tokens
	 * @return the refusing resolver
	 */
	public static BearerTokenResolver refusingBearerTokens(BearerTokenResolver bearer) {
		return (request) -> {
			if (bearer.resolve(request) != null) {
				throw DPoPProofVerifier.bearerTokenRefused();
			}
			return null;
		};
	}

	private static AuthenticationManagerResolver<HttpServletRequest> authenticationManagers(
			DPoPProofVerifier verifier, AuthenticationManagerResolver<HttpServletRequest> accessTokens) {
		return (request) -> (authentication) -> verifier.authenticate((DPoPAuthenticationToken) authentication,
				accessTokens.resolve(request));
	}

	private static AuthenticationConverter converter(DPoPProofVerifier verifier, McpProtectedResource resource) {
		return (request) -> {
			String accessToken = DPOP_TOKENS.resolve(request);
			if (accessToken == null) {
				return null;
			}
			return verifier.request(accessToken,
					Collections.list(request.getHeaders(DPoPProofVerifier.PROOF_HEADER)), request.getMethod(),
					DPoPTargetUri.of(resource.resource(ServletRequestOrigin.of(request)), resource.endpoint(),
							pathWithinApplication(request)));
		};
	}

	/** The request's path after the context path, as sent (not decoded). */
	private static String pathWithinApplication(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		return uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
	}

	private static void writeNonce(DPoPProofVerifier verifier, HttpServletResponse response) {
		String nonce = verifier.currentNonce();
		if (nonce != null) {
			response.setHeader(DPoPProofVerifier.NONCE_HEADER, nonce);
		}
	}

}
