package dev.mcpoauth.server.session;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class McpSessionBindingsTests {

	@Test
	void aBindingIsNeverMovedToAnotherSubject() {
		McpSessionBindings bindings = new McpSessionBindings();
		bindings.bind("s1", "alice");
		bindings.bind("s1", "mallory");
		assertThat(bindings.permits("s1", "alice")).isTrue();
		assertThat(bindings.permits("s1", "mallory")).isFalse();
		assertThat(bindings.permits("s2", "alice")).as("never assigned").isFalse();
		bindings.unbind("s1");
		assertThat(bindings.permits("s1", "alice")).isFalse();
	}

	@Test
	void theLeastRecentlyUsedSessionIsForgottenWhenTheTableIsFull() {
		McpSessionBindings bindings = new McpSessionBindings(2);
		bindings.bind("s1", "alice");
		bindings.bind("s2", "alice");
		assertThat(bindings.permits("s1", "alice")).isTrue();
		bindings.bind("s3", "alice");
		assertThat(bindings.permits("s2", "alice")).isFalse();
		assertThat(bindings.permits("s1", "alice")).isTrue();
		assertThat(bindings.permits("s3", "alice")).isTrue();
	}

	@Test
	void subjectsOfTwoIssuersNeverCollide() {
		assertThat(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", "b/c"), "t"))
			.isNotEqualTo(McpSessionBindings.subjectOf(Map.of("iss", "https://a/b", "sub", "/c"), "t"));
		assertThat(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", "x"), "t"))
			.isEqualTo(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", "x"), "t"));
	}

	@Test
	void tokensWithoutSubjectStandForThemselves() {
		Map<String, Object> noSubject = Map.of("iss", "https://a", "client_id", "alice-agent");
		assertThat(McpSessionBindings.subjectOf(noSubject, "token-1"))
			.isNotEqualTo(McpSessionBindings.subjectOf(noSubject, "token-2"))
			.isEqualTo(McpSessionBindings.subjectOf(noSubject, "token-1"))
			.doesNotContain("token-1");
		assertThat(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", ""), "token-1"))
			.isNotEqualTo(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", ""), "token-2"));
	}

}
