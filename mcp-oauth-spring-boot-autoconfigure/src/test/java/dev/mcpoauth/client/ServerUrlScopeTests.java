package dev.mcpoauth.client;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which request URLs a registration's token may go to: same origin (default ports normalised), and the
 * server-url's path or below it, segment by segment after consistent decoding; anything unreadable is refused.
 */
class ServerUrlScopeTests {

	@ParameterizedTest(name = "{0} covers {1}: {2}")
	@CsvSource(delimiter = '|', textBlock = """
			https://h.example/mcp    | https://h.example/mcp                | true
			https://h.example/mcp    | https://h.example:443/mcp            | true
			https://H.EXAMPLE/mcp    | HTTPS://h.example/mcp?x=1#f          | true
			https://h.example/mcp    | https://h.example/mcp/               | true
			https://h.example/mcp    | https://h.example/mcp/sub/x          | true
			https://h.example/mcp    | https://h.example/mcp//x             | true
			https://h.example/mcp    | https://h.example/m%63p              | true
			https://h.example/mcp/   | https://h.example/mcp                | true
			https://h.example:8443/  | https://h.example:8443/anything      | true
			https://h.example        | https://h.example/anything           | true
			http://localhost/mcp     | http://localhost:80/mcp              | true
			https://h.example/a%20b  | https://h.example/a%20b/c            | true
			https://h.example/mcp    | https://h.example/mcpx               | false
			https://h.example/mcp    | https://h.example/other              | false
			https://h.example/mcp    | https://h.example/                   | false
			https://h.example/mcp    | https://h.example/MCP                | false
			https://h.example/mcp    | https://h.example/mcp;jsessionid=1   | false
			https://h.example/mcp    | https://h.example//mcp               | false
			https://h.example/mcp    | https://h.example/mcp/../other       | false
			https://h.example/mcp    | https://h.example/mcp/./x            | false
			https://h.example/mcp    | https://h.example/mcp/%2e%2e/other   | false
			https://h.example/mcp    | https://h.example/mcp/%2E/x          | false
			https://h.example/mcp    | https://h.example/mcp%2Fx            | false
			https://h.example/mcp    | https://h.example/mcp/a%5Cb          | false
			https://h.example/mcp    | https://h.example/mcp/%00            | false
			https://h.example/mcp    | https://h.example/mcp/%c3            | false
			https://h.example/mcp    | http://h.example/mcp                 | false
			https://h.example/mcp    | https://h.example:8443/mcp           | false
			https://h.example/mcp    | https://h.example.evil/mcp           | false
			https://h.example/mcp    | https://evil.example/mcp             | false
			https://h.example/mcp    | https://user@h.example/mcp           | false
			https://h.example/mcp    | ws://h.example/mcp                   | false
			https://h.example/mcp    | /mcp                                 | false
			http://localhost:8080/mcp | http://127.0.0.1:8080/mcp           | false
			""")
	void coversOnlyTheServerUrlsOriginAndPath(String serverUrl, String request, boolean covered) {
		assertThat(new ServerUrlScope(URI.create(serverUrl)).covers(URI.create(request))).isEqualTo(covered);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/mcp", "mailto:a@h.example", "ftp://h.example/mcp", "https://u@h.example/mcp",
			"https://h.example/a/../mcp", "https://h.example/%2e/mcp", "https://h.example/a%2Fb",
			"https://h.example/%ff" })
	void refusesAServerUrlItCannotReadWithoutGuessing(String serverUrl) {
		assertThatIllegalArgumentException().isThrownBy(() -> new ServerUrlScope(URI.create(serverUrl)));
	}


	@ParameterizedTest(name = "{0} covers {1}: {2}")
	@CsvSource(delimiter = '|', textBlock = """
			https://mcp.example/sse | https://mcp.example/sse             | true
			https://mcp.example/sse | https://mcp.example/mcp/message?s=1 | true
			https://mcp.example/sse | https://mcp.example:443/other        | true
			https://mcp.example/sse | https://evil.example/mcp/message    | false
			https://mcp.example/sse | http://mcp.example/mcp/message      | false
			https://mcp.example/sse | https://mcp.example:8443/sse        | false
			https://mcp.example/sse | https://user@mcp.example/sse        | false
			https://mcp.example/sse | https://mcp.example/a/../sse        | false
			""")
	void theOriginScopeOfTheSseTransportCoversItsOriginOnly(String serverUrl, String request, boolean covered) {
		assertThat(ServerUrlScope.originOf(URI.create(serverUrl)).covers(URI.create(request))).isEqualTo(covered);
	}

}
