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
		assertThat(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", "b/c")))
			.isNotEqualTo(McpSessionBindings.subjectOf(Map.of("iss", "https://a/b", "sub", "/c")));
		assertThat(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", "x")))
			.isEqualTo(McpSessionBindings.subjectOf(Map.of("iss", "https://a", "sub", "x")));
	}

}
