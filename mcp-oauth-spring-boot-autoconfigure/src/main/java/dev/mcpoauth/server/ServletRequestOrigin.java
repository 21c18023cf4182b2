package dev.mcpoauth.server;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The {@link RequestOrigin} of a servlet request, read when asked (a configured resource never needs it).
 */
public final class ServletRequestOrigin implements RequestOrigin {

	private final HttpServletRequest request;

	private ServletRequestOrigin(HttpServletRequest request) {
		this.request = request;
	}

	/**
	 * @param request the current request
	 * @return its origin
	 */
	public static RequestOrigin of(HttpServletRequest request) {
		return new ServletRequestOrigin(request);
	}

	@Override
	public String contextUrl() {
		try {
			return ServletUriComponentsBuilder.fromContextPath(this.request).build().toUriString();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	@Override
	public String contextPath() {
		return this.request.getContextPath();
	}

}
