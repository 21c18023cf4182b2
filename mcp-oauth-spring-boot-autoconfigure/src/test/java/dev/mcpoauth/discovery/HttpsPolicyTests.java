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

	@ParameterizedTest
	@ValueSource(strings = { "https://as.example/token>https://mcp.example/prm",
			"http://127.0.0.1:9000/token>http://localhost:8080/prm", "http://localhost:9000>http://[::1]:8080/mcp" })
	void permitsLearnedHttpsAndLoopbackHttpNamedWithinLoopback(String learnedAndSource) {
		String[] uris = learnedAndSource.split(">");
		assertThat(this.strict.permitsLearned(URI.create(uris[0]), URI.create(uris[1]))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1:9000/token>https://mcp.example/prm",
			"http://localhost/prm>https://localhost/mcp", "http://app.localhost/prm>http://localhost/mcp",
			"http://127.0.0.1/prm>http://app.localhost/mcp", "http://as.example/token>http://localhost/prm",
			"ftp://localhost/x>http://localhost/mcp" })
	void refusesLearnedPlainHttpThatARemoteServerOrANonLoopbackNameCouldPlant(String learnedAndSource) {
		String[] uris = learnedAndSource.split(">");
		assertThat(this.strict.permitsLearned(URI.create(uris[0]), URI.create(uris[1]))).isFalse();
		assertThat(new HttpsPolicy(true).permitsLearned(URI.create(uris[0]), URI.create(uris[1])))
			.isEqualTo(uris[0].startsWith("http:"));
	}

	@Test
	void optInAllowsPlainHttpButNoOtherScheme() {
		HttpsPolicy lax = new HttpsPolicy(true);
		assertThat(lax.permits(URI.create("http://keycloak:8080/realms/x"))).isTrue();
		assertThat(lax.permits(URI.create("ftp://keycloak/x"))).isFalse();
	}

}
