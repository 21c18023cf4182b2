package dev.mcpoauth.client.authorizationcode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The {@link ClientRegistration}s of the authorization code flow, made at run time: one per MCP registration and
 * authorization server, from discovery and the client's registration there (configured, a client ID metadata
 * document, or dynamic client registration). Give it to an {@code OAuth2AuthorizedClientService} that must find them
 * again, such as {@code JdbcOAuth2AuthorizedClientService} (see {@link McpAuthorizedClientServiceFactory}). It is not
 * a bean, so that it never takes the place of the application's own {@link ClientRegistrationRepository} (for its
 * {@code oauth2Login}).
 * <p>
 * A registration id is {@code <registration name>@<first 16 hex digits of the SHA-256 of the issuer>}: stable across
 * restarts and nodes, so stored authorized clients are found again once discovery has run, and different for every
 * authorization server, so that nothing one issued is handed to another.
 */
public final class McpClientRegistrationRepository implements ClientRegistrationRepository {

	private final Map<String, ClientRegistration> registrations = new ConcurrentHashMap<>();

	@Override
	public ClientRegistration findByRegistrationId(String registrationId) {
		return this.registrations.get(registrationId);
	}

	/**
	 * Make a registration known (replacing an earlier one of the same id).
	 * @param registration the registration
	 */
	void save(ClientRegistration registration) {
		this.registrations.put(registration.getRegistrationId(), registration);
	}

	@Override
	public String toString() {
		return "McpClientRegistrationRepository" + this.registrations.keySet();
	}

}
