package dev.mcpoauth.server.web;

import org.springframework.boot.WebApplicationType;

/**
 * The two web stacks the server side runs on: every web test of the shared contract runs on both.
 */
public enum Stack {

	/** Spring MVC on a servlet container. */
	SERVLET(WebApplicationType.SERVLET, "server.servlet.context-path",
			"org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration"),

	/** WebFlux on Reactor Netty. */
	REACTIVE(WebApplicationType.REACTIVE, "spring.webflux.base-path",
			"org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration");

	private final WebApplicationType type;

	private final String contextPathProperty;

	private final String errorAutoConfiguration;

	Stack(WebApplicationType type, String contextPathProperty, String errorAutoConfiguration) {
		this.type = type;
		this.contextPathProperty = contextPathProperty;
		this.errorAutoConfiguration = errorAutoConfiguration;
	}

	/**
	 * @return the application type to start
	 */
	public WebApplicationType type() {
		return this.type;
	}

	/**
	 * @param contextPath a context path such as {@code /api}
	 * @return the property that sets it on this stack
	 */
	public String contextPath(String contextPath) {
		return this.contextPathProperty + "=" + contextPath;
	}

	/**
	 * @return the property that leaves out the stack's error handling, behind which an escaped exception hides
	 */
	public String withoutErrorPages() {
		return "spring.autoconfigure.exclude=" + this.errorAutoConfiguration;
	}

}
