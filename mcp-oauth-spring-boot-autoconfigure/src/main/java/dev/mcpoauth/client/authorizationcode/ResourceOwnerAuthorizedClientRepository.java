package dev.mcpoauth.client.authorizationcode;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;

/**
 * The token store as the callback's {@code OAuth2AuthorizationCodeGrantFilter} sees it: the flow's
 * {@code OAuth2AuthorizedClientService}, keyed by the signed-in user's {@link ResourceOwnerKey} (as the token slots
 * and the calls of that user read it), not by {@code Authentication.getName()}. Nothing is kept for nobody or an
 * anonymous user.
 */
final class ResourceOwnerAuthorizedClientRepository implements OAuth2AuthorizedClientRepository {

	private final AuthorizationCodeState state;

	ResourceOwnerAuthorizedClientRepository(AuthorizationCodeState state) {
		this.state = state;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
			Authentication principal, HttpServletRequest request) {
		String owner = this.state.resourceOwner(principal);
		return (owner != null) ? this.state.authorizedClients().loadAuthorizedClient(clientRegistrationId, owner)
				: null;
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal,
			HttpServletRequest request, HttpServletResponse response) {
		String owner = this.state.resourceOwner(principal);
		if (owner == null) {
			throw new IllegalStateException("No signed-in user to keep the MCP tokens of registration "
					+ authorizedClient.getClientRegistration().getRegistrationId() + " for");
		}
		this.state.authorizedClients()
			.saveAuthorizedClient(new OAuth2AuthorizedClient(authorizedClient.getClientRegistration(), owner,
					authorizedClient.getAccessToken(), authorizedClient.getRefreshToken()),
					UsernamePasswordAuthenticationToken.unauthenticated(owner, null));
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, Authentication principal,
			HttpServletRequest request, HttpServletResponse response) {
		String owner = this.state.resourceOwner(principal);
		if (owner != null) {
			this.state.authorizedClients().removeAuthorizedClient(clientRegistrationId, owner);
		}
	}

}
