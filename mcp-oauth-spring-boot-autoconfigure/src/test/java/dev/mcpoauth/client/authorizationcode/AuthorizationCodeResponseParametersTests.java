package dev.mcpoauth.client.authorizationcode;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mcpoauth.client.McpOAuthClientException;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link AuthorizationResponses} reads the response parameters decoded, names included, as the servlet container and
 * Spring Security's callback read them: a percent-encoded name is the same parameter.
 */
class AuthorizationCodeResponseParametersTests {

	private final OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
		.authorizationUri("https://as.example/authorize")
		.clientId("c")
		.redirectUri("https://app.example/cb")
		.state("st")
		.attributes((attributes) -> {
			attributes.put(AuthorizationCodeProvider.REGISTRATION_NAME, "s");
			attributes.put(AuthorizationCodeProvider.ISSUER, "https://as.example");
			attributes.put(AuthorizationCodeProvider.ISS_ADVERTISED, false);
		})
		.build();

	@Test
	void oneOfEachIsRead() {
		assertThat(AuthorizationResponses.read(URI.create("https://app.example/cb?code=c%2B1&state=st&iss=https%3A%2F%2Fas.example"),
				this.request).getCode()).isEqualTo("c+1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "c%6Fde=injected&code=real&state=st", "code=real&st%61te=other&state=st",
			"code=real&state=st&%69ss=https%3A%2F%2Fevil.example&iss=https%3A%2F%2Fas.example",
			"code=real&state=st&error=a&%65rror=b" })
	void aPercentEncodedNameIsASecondParameter(String query) {
		assertThatExceptionOfType(McpOAuthClientException.class)
			.isThrownBy(() -> AuthorizationResponses.read(URI.create("https://app.example/cb?" + query), this.request))
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("invalid_request"))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("injected").doesNotContain("real"));
	}

}
