package dev.mcpoauth.client;

import java.net.URI;
import java.util.List;

import dev.mcpoauth.client.discovery.BearerChallenge;
import dev.mcpoauth.client.discovery.McpServerDiscovery;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerChallengeParsingTests {

	@Test
	void readsTheParametersOfTheBearerChallenge() {
		BearerChallenge challenge = BearerChallenge.parse(List.of(
				"Bearer error=\"insufficient_scope\", scope=\"a b\", resource_metadata=\"https://h/.well-known/oauth-protected-resource/mcp\""));
		assertThat(challenge.isInsufficientScope()).isTrue();
		assertThat(challenge.scopes()).containsExactly("a", "b");
		assertThat(challenge.resourceMetadata()).hasToString("https://h/.well-known/oauth-protected-resource/mcp");
	}

	@Test
	void skipsOtherSchemesUnquotedValuesAndEscapes() {
		BearerChallenge challenge = BearerChallenge
			.parse(List.of("Basic realm=\"x\", DPoP algs=\"ES256\"", "bearer error=invalid_token, error_description=\"a \\\"q\\\"\""));
		assertThat(challenge.error()).isEqualTo("invalid_token");
		assertThat(challenge.parameters()).containsEntry("error_description", "a \"q\"");
	}

	@Test
	void aDPoPClientReadsTheDPoPChallengeFirstAndFallsBackToBearer() {
		List<String> both = List.of("Bearer error=\"invalid_token\", resource_metadata=\"https://h/bearer\"",
				"DPoP error=\"use_dpop_nonce\", algs=\"ES256\", resource_metadata=\"https://h/dpop\"");
		assertThat(BearerChallenge.parse(both, "dpop", "bearer").error()).isEqualTo("use_dpop_nonce");
		assertThat(BearerChallenge.parse(both, "dpop", "bearer").resourceMetadata()).hasToString("https://h/dpop");
		assertThat(BearerChallenge.parse(both).error()).isEqualTo("invalid_token");
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\""), "dpop", "bearer").scopes()).containsExactly("a");
		assertThat(BearerChallenge.parse(List.of("DPoP error=\"use_dpop_nonce\"")))
			.as("a bearer client ignores DPoP challenges")
			.isEqualTo(BearerChallenge.NONE);
	}

	@Test
	void noBearerChallengeAndGarbageGiveNothing() {
		assertThat(BearerChallenge.parse(List.of())).isEqualTo(BearerChallenge.NONE);
		assertThat(BearerChallenge.parse(List.of("Basic realm=\"x\""))).isEqualTo(BearerChallenge.NONE);
		assertThat(BearerChallenge.parse(List.of("Bearer resource_metadata=\"not a uri\"")).resourceMetadata()).isNull();
		assertThat(BearerChallenge.parse(List.of("\"\"\"===,,,")).scopes()).isEmpty();
	}

	@Test
	void protectedResourceMetadataProbeOrder() {
		assertThat(McpServerDiscovery.metadataCandidates(URI.create("https://h/public/mcp"), null)).containsExactly(
				URI.create("https://h/.well-known/oauth-protected-resource/public/mcp"),
				URI.create("https://h/.well-known/oauth-protected-resource"));
		assertThat(McpServerDiscovery.metadataCandidates(URI.create("https://h"), null))
			.containsExactly(URI.create("https://h/.well-known/oauth-protected-resource"));
		assertThat(McpServerDiscovery.metadataCandidates(URI.create("https://h/mcp"), URI.create("https://x/prm")))
			.containsExactly(URI.create("https://x/prm"));
	}

	@Test
	void resourcesCompareCanonically() {
		assertThat(McpServerDiscovery.sameResource(URI.create("HTTPS://H.example:443/mcp/"), URI.create("https://h.example/mcp")))
			.isTrue();
		assertThat(McpServerDiscovery.sameResource(URI.create("https://h.example/mcp"), URI.create("https://h.example/other")))
			.isFalse();
		assertThat(McpServerDiscovery.sameResource(URI.create("https://h.example/mcp"), URI.create("http://h.example/mcp")))
			.isFalse();
	}


	@Test
	void theDescriptionIsPrintableAndBounded() {
		assertThat(BearerChallenge.parse(List.of("Bearer error=\"invalid_token\", error_description=\"a\tb\u0007c\"")).description())
			.isEqualTo("a b c");
		assertThat(BearerChallenge.parse(List.of("Bearer error_description=\"" + "x".repeat(400) + "\"")).description())
			.hasSize(303);
		assertThat(BearerChallenge.parse(List.of("Bearer error=\"invalid_token\"")).description()).isNull();
	}

}
