package dev.mcpoauth.discovery;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HttpsPolicyTests {

	private final HttpsPolicy strict = new HttpsPolicy(false);

	@ParameterizedTest
	@ValueSource(strings = { "https://idp.example/x", "http://localhost:8080", "http://127.0.0.1/x", "http://127.1.2.3",
			"http://[::1]:9000/", "http://app.localhost" })
	void permitsHttpsAndLoopbackHttp(String uri) {
		assertThat(this.strict.permits(URI.create(uri))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://idp.example", "http://10.0.0.1", "http://localhost.evil.example",
			"http://127.0.0.1.nip.io", "ftp://localhost/x", "file:///etc/passwd" })
	void refusesOtherPlainHttpAndOtherSchemes(String uri) {
		assertThat(this.strict.permits(URI.create(uri))).isFalse();
	}

	@Test
	void optInAllowsPlainHttpButNoOtherScheme() {
		HttpsPolicy lax = new HttpsPolicy(true);
		assertThat(lax.permits(URI.create("http://keycloak:8080/realms/x"))).isTrue();
		assertThat(lax.permits(URI.create("ftp://keycloak/x"))).isFalse();
	}

}
