package dev.mcpoauth.server.scope;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.mcpoauth.server.scope.ToolCallScopes.Decision;
import dev.mcpoauth.server.scope.ToolCallScopes.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RequestMetadataHeaders} through {@link ToolCallScopes}: the MCP 2026-07-28 request metadata headers must agree
 * with the body before any scope is decided.
 */
class RequestMetadataHeadersTests {

	private static final String MODERN = "2026-07-28";

	private final ToolCallScopes scopes = new ToolCallScopes(List.of("mcp:tools"),
			Map.of("admin-report", List.of("mcp:admin")));

	private static final Set<String> WIDE = Set.of("mcp:tools", "mcp:admin");

	private static String call(String tool) {
		return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
				+ "\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\"}}}";
	}

	private static RequestMetadataHeaders headers(String version, String method, String name) {
		return new RequestMetadataHeaders((version != null) ? List.of(version) : List.of(),
				(method != null) ? List.of(method) : List.of(), (name != null) ? List.of(name) : List.of(), List.of());
	}

	private Decision decide(String body, RequestMetadataHeaders headers, Set<String> granted) {
		return this.scopes.decide(body.getBytes(StandardCharsets.UTF_8), "application/json", null, headers, granted);
	}

	private void assertMismatch(String body, RequestMetadataHeaders headers, String because) {
		Decision decision = decide(body, headers, WIDE);
		assertThat(decision.outcome()).as(because).isEqualTo(Outcome.HEADER_MISMATCH);
		assertThat(decision.errorBody()).contains("\"code\":-32020").contains("Header mismatch");
	}

	@Test
	void headersThatAgreeWithTheBodyLeaveTheScopeDecisionToTheBody() {
		assertThat(decide(call("admin-report"), headers(MODERN, "tools/call", "admin-report"), WIDE).outcome())
			.isEqualTo(Outcome.ALLOWED);
		Decision narrow = decide(call("admin-report"), headers(MODERN, "tools/call", "admin-report"),
				Set.of("mcp:tools"));
		assertThat(narrow.outcome()).isEqualTo(Outcome.INSUFFICIENT_SCOPE);
		assertThat(narrow.missingScopes()).containsExactly("mcp:tools", "mcp:admin");
		String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
				+ "{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\"}}}";
		assertThat(decide(list, headers(MODERN, "tools/list", null), WIDE).outcome()).isEqualTo(Outcome.ALLOWED);
	}

	@Test
	void aHeaderNamingAnotherToolThanTheBodyIsRefusedWhicheverWayRound() {
		assertMismatch(call("admin-report"), headers(MODERN, "tools/call", "whoami"), "the body calls the guarded tool");
		assertMismatch(call("whoami"), headers(MODERN, "tools/call", "admin-report"), "the header names it");
		assertMismatch(call("admin-report"), headers(MODERN, "tools/call", "Admin-Report"), "values are case-sensitive");
		assertMismatch(call("admin-report"), headers(null, "tools/call", "whoami"), "without a protocol version too");
	}

	@Test
	void aMethodHeaderOtherThanTheBodysIsRefused() {
		assertMismatch(call("whoami"), headers(MODERN, "tools/list", null), "another method");
		assertMismatch(call("whoami"), headers(MODERN, "Tools/Call", "whoami"), "another case");
		assertMismatch(call("whoami"), headers(null, null, "whoami"), "a name without its method");
		String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
		assertMismatch(list, headers(null, "tools/list", "admin-report"), "a name on a method without one");
	}

	@Test
	void base64EncodedNamesAreDecodedBeforeTheyAreCompared() {
		String tool = "r\u00e9sum\u00e9";
		String encoded = "=?base64?" + Base64.getEncoder().encodeToString(tool.getBytes(StandardCharsets.UTF_8))
				+ "?=";
		assertThat(decide(call(tool), headers(MODERN, "tools/call", encoded), WIDE).outcome())
			.isEqualTo(Outcome.ALLOWED);
		String adminEncoded = "=?base64?" + Base64.getEncoder().encodeToString("admin-report".getBytes()) + "?=";
		assertMismatch(call("whoami"), headers(MODERN, "tools/call", adminEncoded), "an encoded other name");
		assertMismatch(call("whoami"), headers(MODERN, "tools/call", "=?base64?not base64!?="), "bad base64");
		assertMismatch(call("Hello"), headers(MODERN, "tools/call", "=?base64?SGVsbG8?="), "unpadded base64");
		assertMismatch(call("Hello"), headers(MODERN, "tools/call", "=?base64?SGVs bG8=?="), "whitespace in base64");
		assertMismatch(call("Hello"), headers(MODERN, "tools/call", "=?base64?SGVs-bG8=?="), "the URL-safe alphabet");
		assertThat(decide(call("Hello"), headers(MODERN, "tools/call", "=?base64?SGVsbG8=?="), WIDE).outcome())
			.isEqualTo(Outcome.ALLOWED);
		assertThat(decide(call("=?base64?SGVsbG8"), headers(MODERN, "tools/call", "=?base64?SGVsbG8"), WIDE).outcome())
			.as("without the suffix, a literal")
			.isEqualTo(Outcome.ALLOWED);
		String latin1 = "=?base64?" + Base64.getEncoder().encodeToString(new byte[] { (byte) 0xE9 }) + "?=";
		assertMismatch(call("\u00e9"), headers(MODERN, "tools/call", latin1), "bytes that are not UTF-8");
		assertMismatch(call(tool), headers(MODERN, "tools/call", tool), "a raw value outside visible ASCII");
	}

	@Test
	void aResourceReadMirrorsItsUri() {
		String read = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/read\",\"params\":{\"uri\":"
				+ "\"file:///a.txt\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\"}}}";
		assertThat(decide(read, headers(MODERN, "resources/read", "file:///a.txt"), WIDE).outcome())
			.isEqualTo(Outcome.ALLOWED);
		assertMismatch(read, headers(MODERN, "resources/read", "file:///b.txt"), "another uri");
	}

	@Test
	void aModernRequestMustCarryItsHeaders() {
		assertMismatch(call("whoami"), headers(MODERN, null, null), "no Mcp-Method");
		assertMismatch(call("whoami"), headers(MODERN, "tools/call", null), "no Mcp-Name");
		String noMeta = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}";
		assertMismatch(noMeta, headers(MODERN, "tools/call", "whoami"), "no protocol version in the body");
		assertMismatch(call("whoami").replace(MODERN, "2026-12-01"), headers(MODERN, "tools/call", "whoami"),
				"another protocol version in the body");
		String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}";
		assertThat(decide(notification, headers(MODERN, null, null), WIDE).outcome())
			.as("the revision defines no header rules for notifications")
			.isEqualTo(Outcome.ALLOWED);
	}

	@Test
	void olderClientsWithoutTheHeadersAreLeftAlone() {
		String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}";
		assertThat(decide(call, headers("2025-11-25", null, null), WIDE).outcome()).isEqualTo(Outcome.ALLOWED);
		assertThat(decide(call, RequestMetadataHeaders.NONE, WIDE).outcome()).isEqualTo(Outcome.ALLOWED);
		assertThat(new ToolCallScopes(List.of(), Map.of()).inspects("POST", RequestMetadataHeaders.NONE))
			.as("no body is read without any of the headers when no tool has scopes")
			.isFalse();
		assertThat(new ToolCallScopes(List.of(), Map.of()).inspects("POST", headers("2025-11-25", null, null)))
			.as("a protocol version header is compared with the body")
			.isTrue();
		assertThat(new ToolCallScopes(List.of(), Map.of()).inspects("POST", headers(null, "tools/call", null)))
			.as("but it is for any mirrored header")
			.isTrue();
		assertThat(new ToolCallScopes(List.of(), Map.of()).inspects("POST", headers(MODERN, null, null)))
			.as("and for a modern protocol version")
			.isTrue();
		assertThat(new ToolCallScopes(List.of(), Map.of()).inspects("GET", headers(MODERN, "tools/call", null)))
			.isFalse();
	}

	@Test
	void aProtocolVersionHeaderIsComparedWithTheBodyWhateverTheVersion() {
		assertMismatch(call("whoami"), headers("2025-11-25", null, null), "an older header on a 2026-07-28 body");
		assertMismatch(call("whoami"), headers("2026-07-28, 2026-07-28", "tools/call", "whoami"), "a list");
		assertMismatch(call("whoami"), headers("DRAFT", "tools/call", "whoami"), "not a date");
		String old = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}";
		assertThat(decide(old, headers("2025-11-25", null, null), WIDE).outcome())
			.as("a body without a version of its own")
			.isEqualTo(Outcome.ALLOWED);
	}

	@Test
	void headersThisCheckCannotVerifyAreRefused() {
		RequestMetadataHeaders underscores = RequestMetadataHeaders.read(
				List.of("Content-Type", "MCP_Protocol_Version", "Mcp_Method", "Mcp_Name"), (name) -> List.of());
		assertThat(underscores.needBody()).isTrue();
		assertMismatch(call("admin-report"), underscores, "names a CGI-style gateway reads as the real ones");
		RequestMetadataHeaders param = RequestMetadataHeaders.read(
				List.of("MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Mcp-Param-Region"),
				(name) -> Map.of("MCP-Protocol-Version", List.of(MODERN), "Mcp-Method", List.of("tools/call"),
						"Mcp-Name", List.of("whoami")).getOrDefault(name, List.of()));
		assertMismatch(call("whoami"), param, "a tool argument mirrored in a header");
		RequestMetadataHeaders plain = RequestMetadataHeaders.read(
				List.of("mcp-protocol-version", "MCP-METHOD", "mcp-name"),
				(name) -> Map.of("MCP-Protocol-Version", List.of(MODERN), "Mcp-Method", List.of("tools/call"),
						"Mcp-Name", List.of("whoami")).getOrDefault(name, List.of()));
		assertThat(decide(call("whoami"), plain, WIDE).outcome()).as("names in any case").isEqualTo(Outcome.ALLOWED);
		String latin1Method = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\u00e9\"}";
		assertMismatch(latin1Method, headers(null, "tools/list\u00e9", null), "a method outside ASCII");
	}

	@Test
	void headersOnABodyThatIsNotOneRequestAreRefused() {
		assertMismatch("[" + call("whoami") + "]", headers(null, "tools/call", "whoami"), "a batch");
		assertMismatch("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", headers(null, "tools/call", null), "a response");
		Decision empty = this.scopes.decide(new byte[0], "application/json", null, headers(null, "tools/call", null),
				WIDE);
		assertThat(empty.outcome()).as("an empty body").isEqualTo(Outcome.HEADER_MISMATCH);
	}

	@Test
	void aHeaderSentTwiceIsRefused() {
		assertMismatch(call("whoami"), new RequestMetadataHeaders(List.of(MODERN), List.of("tools/call", "tools/call"),
				List.of("whoami"), List.of()), "Mcp-Method twice");
		assertMismatch(call("whoami"), new RequestMetadataHeaders(List.of(MODERN), List.of("tools/call"),
				List.of("whoami", "admin-report"), List.of()), "Mcp-Name twice");
		assertMismatch(call("whoami"), new RequestMetadataHeaders(List.of(MODERN, "2025-11-25"),
				List.of("tools/call"), List.of("whoami"), List.of()), "MCP-Protocol-Version twice");
	}

	@Test
	void theBodyIsReadAsLenientlyAsForScopes() {
		String upper = "{\"jsonrpc\":\"2.0\",\"id\":7,\"METHOD\":\"tools/call\",\"params\":{\"NAME\":\"admin-report\","
				+ "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\"}}}";
		assertMismatch(upper, headers(MODERN, "tools/call", "whoami"), "keys in another case");
		String twoCases = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"Method\":\"tools/list\"}";
		assertThat(decide(twoCases, headers(null, "tools/list", null), WIDE).outcome()).isEqualTo(Outcome.MALFORMED);
	}

	@Test
	void theErrorAnswersTheRequestIdAndNamesNoHeaderValue() {
		Decision decision = decide(call("admin-report"), headers(MODERN, "tools/call", "whoami"), WIDE);
		assertThat(decision.errorBody()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32020,")
			.contains("Mcp-Name")
			.doesNotContain("whoami");
		Decision objectId = decide(call("x").replace("\"id\":7", "\"id\":{\"a\":1}"),
				headers(MODERN, "tools/list", null), WIDE);
		assertThat(objectId.outcome()).isEqualTo(Outcome.MALFORMED);
		Decision batch = decide("[" + call("x") + "]", headers(null, "tools/call", null), WIDE);
		assertThat(batch.errorBody()).contains("\"id\":null");
	}

	@Test
	void lackingTheEndpointScopeComesFirst() {
		Decision decision = decide(call("admin-report"), headers(MODERN, "tools/call", "whoami"), Set.of("other"));
		assertThat(decision.outcome()).isEqualTo(Outcome.INSUFFICIENT_SCOPE);
		assertThat(decision.missingScopes()).containsExactly("mcp:tools");
	}

}
