package dev.mcpoauth.client;

import java.util.ArrayList;
import java.util.List;

/** Finds an exception of a type anywhere in a chain of causes (and suppressed exceptions), as the MCP SDK wraps it. */
final class ExceptionChain {

	private ExceptionChain() {
	}

	static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = thrown; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
			chain.addAll(List.of(cause.getSuppressed()));
		}
		return chain.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + chain));
	}

}
