package dev.mcpoauth.client.authorizationcode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Serves the application's Client ID Metadata Documents ({@link ClientIdMetadataDocuments}) to GET and HEAD requests
 * at the exact path of their URL, ahead of the application's security filters: the documents are public by design
 * (an authorization server fetches them without credentials) and hold no secret. Every other request passes on.
 */
public final class ClientIdMetadataDocumentFilter implements Filter {

	private final ClientIdMetadataDocuments documents;

	/**
	 * @param documents the documents to serve
	 */
	public ClientIdMetadataDocumentFilter(ClientIdMetadataDocuments documents) {
		this.documents = documents;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer
				&& ("GET".equals(http.getMethod()) || "HEAD".equals(http.getMethod()))) {
			String document = this.documents.documentAt(http.getRequestURI());
			if (document != null) {
				byte[] body = document.getBytes(StandardCharsets.UTF_8);
				answer.setStatus(200);
				answer.setContentType("application/json");
				answer.setHeader("Cache-Control", "max-age=300");
				answer.setHeader("X-Content-Type-Options", "nosniff");
				answer.setContentLength(body.length);
				if ("GET".equals(http.getMethod())) {
					answer.getOutputStream().write(body);
				}
				return;
			}
		}
		chain.doFilter(request, response);
	}

}
