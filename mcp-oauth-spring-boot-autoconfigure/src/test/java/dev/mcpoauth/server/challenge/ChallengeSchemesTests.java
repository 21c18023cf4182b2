package dev.mcpoauth.server.challenge;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChallengeSchemesTests {

	private static final String METADATA = "https://h/.well-known/oauth-protected-resource/mcp";

	private static final List<String> SCOPES = List.of("mcp:tools");

	private final ChallengeSchemes both = ChallengeSchemes.withDPoP(true, List.of("ES256", "PS256"));

	private final ChallengeSchemes dpopOnly = ChallengeSchemes.withDPoP(false, List.of("ES256"));

	@Test
	void bearerOnlyAnswersAsBeforeWhateverSchemeTheRequestUsed() {
		ChallengeSchemes bearer = ChallengeSchemes.bearerOnly();
		assertThat(bearer.unauthorized("DPoP abc", "invalid_request", "d", METADATA, SCOPES)).containsExactly(
				"Bearer error=\"invalid_request\", error_description=\"d\", resource_metadata=\"" + METADATA
						+ "\", scope=\"mcp:tools\"");
		assertThat(bearer.forbidden("DPoP abc", SCOPES, METADATA)).startsWith("Bearer error=\"insufficient_scope\"");
	}

	@Test
	void withoutCredentialsBothSchemesAreNamedBearerFirst() {
		assertThat(this.both.unauthorized(null, null, null, METADATA, SCOPES)).containsExactly(
				"Bearer resource_metadata=\"" + METADATA + "\", scope=\"mcp:tools\"",
				"DPoP algs=\"ES256 PS256\", resource_metadata=\"" + METADATA + "\", scope=\"mcp:tools\"");
	}

	@Test
	void theErrorIsInTheSchemeTheRequestUsedAndComesFirst() {
		assertThat(this.both.unauthorized("dpop abc", "invalid_dpop_proof", "why", METADATA, SCOPES)).containsExactly(
				"DPoP error=\"invalid_dpop_proof\", error_description=\"why\", algs=\"ES256 PS256\", resource_metadata=\""
						+ METADATA + "\", scope=\"mcp:tools\"",
				"Bearer resource_metadata=\"" + METADATA + "\", scope=\"mcp:tools\"");
		assertThat(this.both.unauthorized("Bearer abc", "invalid_token", "why", METADATA, SCOPES)).containsExactly(
				"Bearer error=\"invalid_token\", error_description=\"why\", resource_metadata=\"" + METADATA
						+ "\", scope=\"mcp:tools\"",
				"DPoP algs=\"ES256 PS256\", resource_metadata=\"" + METADATA + "\", scope=\"mcp:tools\"");
		assertThat(this.both.unauthorized("DPoPabc", "invalid_token", "why", METADATA, SCOPES).get(0))
			.as("not the DPoP scheme").startsWith("Bearer error=");
	}

	@Test
	void withDPoPRequiredOnlyDPoPIsNamedEvenForABearerRequest() {
		assertThat(this.dpopOnly.unauthorized("Bearer abc", "invalid_token", "why", METADATA, SCOPES)).containsExactly(
				"DPoP error=\"invalid_token\", error_description=\"why\", algs=\"ES256\", resource_metadata=\"" + METADATA
						+ "\", scope=\"mcp:tools\"");
		assertThat(this.dpopOnly.unauthorized(null, null, null, METADATA, SCOPES))
			.containsExactly("DPoP algs=\"ES256\", resource_metadata=\"" + METADATA + "\", scope=\"mcp:tools\"");
	}

	@Test
	void aForbiddenDPoPRequestIsAnsweredInDPoP() {
		assertThat(this.both.forbidden("DPoP abc", List.of("mcp:tools", "mcp:admin"), METADATA))
			.isEqualTo("DPoP error=\"insufficient_scope\", error_description=\"The access token lacks a scope this "
					+ "request needs\", algs=\"ES256 PS256\", scope=\"mcp:tools mcp:admin\", resource_metadata=\""
					+ METADATA + "\"");
		assertThat(this.both.forbidden("Bearer abc", SCOPES, METADATA)).startsWith("Bearer error=\"insufficient_scope\"");
	}

	@Test
	void dPoPNeedsAnAlgorithm() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChallengeSchemes.withDPoP(true, List.of()));
	}

}
