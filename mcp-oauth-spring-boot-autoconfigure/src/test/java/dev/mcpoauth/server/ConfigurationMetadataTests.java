package dev.mcpoauth.server;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated configuration metadata documents every property, so IDEs show what each one does.
 */
class ConfigurationMetadataTests {

	@Test
	@SuppressWarnings("unchecked")
	void everyPropertyHasADescription() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			Map<String, Object> metadata = JsonMapper.builder().build().readValue(in, Map.class);
			List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
			assertThat(properties).extracting((property) -> property.get("name"))
				.contains("mcp.oauth.server.issuer-uri", "mcp.oauth.server.resource", "mcp.oauth.server.audiences",
						"mcp.oauth.server.required-scopes", "mcp.oauth.server.jwks.refresh-cooldown",
						"mcp.oauth.server.dpop.enabled", "mcp.oauth.server.dpop.required",
						"mcp.oauth.server.dpop.algorithms", "mcp.oauth.server.dpop.proof-max-age",
						"mcp.oauth.server.dpop.replay-cache.max-size", "mcp.oauth.server.dpop.replay-cache.max-proofs-per-key",
						"mcp.oauth.server.dpop.nonce.enabled", "mcp.oauth.server.dpop.nonce.lifetime");
			assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
				.as((String) property.get("name"))
				.isNotBlank());
			assertThat(properties).filteredOn((property) -> "mcp.oauth.server.jws-algorithms".equals(property.get("name")))
				.singleElement()
				.satisfies((property) -> assertThat((List<String>) property.get("defaultValue")).contains("RS256", "ES256"));
			List<Map<String, Object>> hints = (List<Map<String, Object>>) metadata.get("hints");
			assertThat(hints).filteredOn((hint) -> "mcp.oauth.server.jws-algorithms".equals(hint.get("name")))
				.singleElement()
				.satisfies((hint) -> assertThat((List<Map<String, Object>>) hint.get("values"))
					.extracting((value) -> value.get("value"))
					.contains("RS256", "PS256", "ES256", "HS256"));
		}
	}

}
