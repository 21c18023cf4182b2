package dev.mcpoauth.server.dpop;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DPoPTargetUriTests {

	@ParameterizedTest(name = "{0} + {1} + {2}")
	@CsvSource(delimiter = '|', textBlock = """
			https://mcp.example/mcp             | /mcp | /mcp          | https://mcp.example/mcp
			https://mcp.example/mcp             | /mcp | /mcp/message  | https://mcp.example/mcp/message
			https://mcp.example/mcp             | /sse | /mcp/message  | https://mcp.example/mcp/message
			https://mcp.example/mcp/            | /mcp | /mcp          | https://mcp.example/mcp
			https://mcp.example/public/mcp      | /mcp | /mcp          | https://mcp.example/public/mcp
			https://mcp.example/public/mcp      | /mcp | /mcp/x        | https://mcp.example/public/mcp/x
			http://localhost:8080/api/mcp       | /mcp | /m%63p        | http://localhost:8080/api/m%63p
			https://mcp.example/tools           | /mcp | /mcp/x        | https://mcp.example/tools/x
			https://mcp.example/tools           | /mcp | /other        | https://mcp.example/other
			https://mcp.example:8443/           | /    | /anything     | https://mcp.example:8443/anything
			""")
	void theResourceIdentifierPlacesTheEndpointAndTheRequestPathFollowsAsSent(String resource, String endpoint,
			String path, String expected) {
		assertThat(DPoPTargetUri.of(resource, endpoint, path)).isEqualTo(expected);
	}

}
