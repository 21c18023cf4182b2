package dev.mcpoauth.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityContextIdTokenResolverTests {

	private final SecurityContextIdTokenResolver resolver = new SecurityContextIdTokenResolver();

	@AfterEach
	void clear() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void readsTheIdTokenOfTheOAuth2LoginUser() {
		OidcIdToken idToken = new OidcIdToken("the-id-token", Instant.now(), Instant.now().plusSeconds(60),
				Map.of("sub", "alice", "iss", "https://idp.example"));
		DefaultOidcUser user = new DefaultOidcUser(List.of(new SimpleGrantedAuthority("OIDC_USER")), idToken);
		SecurityContextHolder.getContext()
			.setAuthentication(new OAuth2AuthenticationToken(user, user.getAuthorities(), "idp"));
		assertThat(this.resolver.resolveIdToken()).isEqualTo("the-id-token");
	}

	@Test
	void noOidcUserNoIdToken() {
		assertThat(this.resolver.resolveIdToken()).isNull();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("bob", "n/a", List.of()));
		assertThat(this.resolver.resolveIdToken()).isNull();
	}

}
