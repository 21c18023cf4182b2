package dev.mcpoauth.server.dpop;

import java.util.List;

import dev.mcpoauth.server.metadata.ProtectedResourceMetadataCustomizer;

import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;

/**
 * Advertises DPoP in the Protected Resource Metadata (RFC 9728 section 2): {@code dpop_signing_alg_values_supported}
 * (the algorithms accepted for proofs) and {@code dpop_bound_access_tokens_required} (whether bearer tokens are
 * refused).
 */
public final class DPoPMetadataCustomizer implements ProtectedResourceMetadataCustomizer {

	private final List<String> algorithms;

	private final boolean required;

	/**
	 * @param algorithms the JWS algorithms accepted for proofs
	 * @param required whether only DPoP-bound access tokens are accepted
	 */
	public DPoPMetadataCustomizer(List<String> algorithms, boolean required) {
		this.algorithms = List.copyOf(algorithms);
		this.required = required;
	}

	@Override
	public void customize(OAuth2ProtectedResourceMetadata.Builder metadata) {
		metadata.claim("dpop_signing_alg_values_supported", this.algorithms)
			.claim("dpop_bound_access_tokens_required", this.required);
	}

}
