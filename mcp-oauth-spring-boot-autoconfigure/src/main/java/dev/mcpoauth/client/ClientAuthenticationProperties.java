package dev.mcpoauth.client;

import java.time.Duration;

import org.springframework.core.io.Resource;

/**
 * How a client authenticates at an authorization server: a secret (client_secret_basic, client_secret_post) or a
 * key that signs RFC 7523 client assertions (private_key_jwt). Shared by the MCP client's registrations and the MCP
 * server's introspection client, so that both read the same properties the same way.
 */
public class ClientAuthenticationProperties {

	/**
	 * The client's identifier at the authorization server. For an MCP client registration of the authorization-code
	 * flow it is optional: the client can register through a client ID metadata document or dynamic client
	 * registration instead.
	 */
	private String clientId;

	/**
	 * The client's secret, for client_secret_basic or client_secret_post.
	 */
	private String clientSecret;

	/**
	 * client_secret_basic, client_secret_post or private_key_jwt (and none, for a pre-registered public client of the
	 * authorization-code flow). When unset: for an MCP client registration, the
	 * best method the authorization server advertises for which the registration has credentials; for
	 * introspection, private_key_jwt when private-key-location is set, else client_secret_basic.
	 */
	private String clientAuthenticationMethod;

	/**
	 * PEM (PKCS#8 'PRIVATE KEY') or JWK file holding the key that signs private_key_jwt client assertions.
	 */
	private Resource privateKeyLocation;

	/**
	 * 'kid' header of client assertions; defaults to the JWK's own 'kid', if any.
	 */
	private String keyId;

	/**
	 * Algorithm of client assertions (RS256, PS256, ES256, ES384, ...); must fit the key. Defaults to RS256 for
	 * RSA keys and to the curve's algorithm for EC keys.
	 */
	private String signingAlgorithm;

	/**
	 * Lifetime of a client assertion.
	 */
	private Duration assertionLifetime = Duration.ofSeconds(60);

	public String getClientId() {
		return this.clientId;
	}

	public void setClientId(String clientId) {
		this.clientId = clientId;
	}

	public String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public String getClientAuthenticationMethod() {
		return this.clientAuthenticationMethod;
	}

	public void setClientAuthenticationMethod(String clientAuthenticationMethod) {
		this.clientAuthenticationMethod = clientAuthenticationMethod;
	}

	public Resource getPrivateKeyLocation() {
		return this.privateKeyLocation;
	}

	public void setPrivateKeyLocation(Resource privateKeyLocation) {
		this.privateKeyLocation = privateKeyLocation;
	}

	public String getKeyId() {
		return this.keyId;
	}

	public void setKeyId(String keyId) {
		this.keyId = keyId;
	}

	public String getSigningAlgorithm() {
		return this.signingAlgorithm;
	}

	public void setSigningAlgorithm(String signingAlgorithm) {
		this.signingAlgorithm = signingAlgorithm;
	}

	public Duration getAssertionLifetime() {
		return this.assertionLifetime;
	}

	public void setAssertionLifetime(Duration assertionLifetime) {
		this.assertionLifetime = assertionLifetime;
	}

}
