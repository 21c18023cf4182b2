package dev.mcpoauth.client.authorizationcode;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * Where the authorization code flow keeps its tokens (access and refresh tokens, per registration, authorization
 * server and resource owner). By default in memory ({@code InMemoryOAuth2AuthorizedClientService}); declare a bean of
 * this type to keep them elsewhere, for example in a database shared by the nodes of a cluster:
 *
 * <pre class="code">
 * &#64;Bean
 * McpAuthorizedClientServiceFactory mcpTokens(JdbcOperations jdbc) {
 *     return (registrations) -&gt; new JdbcOAuth2AuthorizedClientService(jdbc, registrations);
 * }
 * </pre>
 *
 * It is a factory rather than an {@link OAuth2AuthorizedClientService} bean so that the application's own service
 * (for its {@code oauth2Login}) and Spring Boot's defaults stay as they are.
 */
@FunctionalInterface
public interface McpAuthorizedClientServiceFactory {

	/**
	 * @param registrations the flow's client registrations, which the service must use to read stored clients back
	 * @return the service
	 */
	OAuth2AuthorizedClientService create(ClientRegistrationRepository registrations);

}
