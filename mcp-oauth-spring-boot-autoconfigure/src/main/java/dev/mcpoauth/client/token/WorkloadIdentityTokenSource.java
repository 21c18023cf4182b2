package dev.mcpoauth.client.token;

/**
 * Supplies the platform-issued JWT a workload-identity registration presents with the JWT bearer grant (SEP-1933,
 * RFC 7523 section 2.1). Asked again for every token request, so it may return a rotated token. The default reads
 * each registration's {@code workload-identity.token-file}; declare a bean of this type to get the token elsewhere
 * (a cloud metadata endpoint, a secret store).
 */
@FunctionalInterface
public interface WorkloadIdentityTokenSource {

	/**
	 * @param registration the registration name
	 * @return the compact-serialized JWT
	 * @throws dev.mcpoauth.client.McpOAuthClientException when it cannot be had
	 */
	String workloadToken(String registration);

}
