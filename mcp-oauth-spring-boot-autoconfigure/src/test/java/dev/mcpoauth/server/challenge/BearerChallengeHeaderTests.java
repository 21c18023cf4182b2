package dev.mcpoauth.server.challenge;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerChallengeHeaderTests {

	@Test
	void keepsOrderAndLeavesOutEmptyParameters() {
		assertThat(new BearerChallengeHeader().param("error", null)
			.param("resource_metadata", "https://h/.well-known/oauth-protected-resource/mcp")
			.scope(List.of())
			.toString()).isEqualTo("Bearer resource_metadata=\"https://h/.well-known/oauth-protected-resource/mcp\"");
		assertThat(new BearerChallengeHeader().scope(List.of("a", "b")).param("x", "y").toString())
			.isEqualTo("Bearer scope=\"a b\", x=\"y\"");
	}

	@Test
	void escapesQuotesAndBackslashesAndDropsControlCharacters() {
		assertThat(new BearerChallengeHeader().param("error_description", "say \"hi\" \\ now\r\nInjected: 1").toString())
			.isEqualTo("Bearer error_description=\"say \\\"hi\\\" \\\\ now  Injected: 1\"");
	}

	@Test
	void noParametersIsTheBareScheme() {
		assertThat(new BearerChallengeHeader().toString()).isEqualTo("Bearer");
	}

	@Test
	void theDPoPSchemeIsFormattedTheSameWay() {
		assertThat(new BearerChallengeHeader("DPoP").param("error", "invalid_dpop_proof")
			.param("algs", "ES256 PS256")
			.toString()).isEqualTo("DPoP error=\"invalid_dpop_proof\", algs=\"ES256 PS256\"");
	}

}
