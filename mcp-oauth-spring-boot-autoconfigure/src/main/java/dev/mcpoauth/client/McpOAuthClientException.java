package dev.mcpoauth.client;

/**
 * Getting a token for an MCP server failed: discovery refused or failed, or the authorization server or identity
 * provider answered with an error. Carries the OAuth {@code error} and {@code error_description} and the HTTP
 * status where there was one; never a secret, an assertion or a token.
 */
public class McpOAuthClientException extends RuntimeException {

	private final String registration;

	private final String error;

	private final String errorDescription;

	private final int httpStatus;

	/**
	 * @param registration the registration name
	 * @param error the OAuth error code, or a code of this library such as {@code discovery_failed}
	 * @param errorDescription the description, possibly {@code null}
	 * @param httpStatus the HTTP status, or 0 when no response was received
	 */
	public McpOAuthClientException(String registration, String error, String errorDescription, int httpStatus) {
		super(message(registration, error, errorDescription, httpStatus));
		this.registration = registration;
		this.error = error;
		this.errorDescription = errorDescription;
		this.httpStatus = httpStatus;
	}

	private static String message(String registration, String error, String description, int status) {
		StringBuilder message = new StringBuilder("MCP registration '").append(registration).append("': ");
		if (status > 0) {
			message.append("HTTP ").append(status).append(' ');
		}
		message.append(error);
		if (description != null && !description.isEmpty()) {
			message.append(": ").append(description);
		}
		return message.toString();
	}

	public String getRegistration() {
		return this.registration;
	}

	public String getError() {
		return this.error;
	}

	public String getErrorDescription() {
		return this.errorDescription;
	}

	public int getHttpStatus() {
		return this.httpStatus;
	}

}
