package dev.mcpoauth;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls for what a background task (a health check's refresh) makes true, for at most a few seconds.
 */
public final class Eventually {

	private Eventually() {
	}

	/**
	 * @param <T> what is read
	 * @param read reads it, again and again
	 * @param condition what it must satisfy
	 * @param within how long to try
	 * @return the first value read that satisfies the condition
	 * @throws AssertionError with the last value read, when none did in time
	 */
	public static <T> T get(Supplier<T> read, Predicate<T> condition, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		T value = read.get();
		while (!condition.test(value)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Still " + value + " after " + within.toMillis() + " ms");
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
			value = read.get();
		}
		return value;
	}

	/**
	 * @param <T> what is read
	 * @param read reads it, again and again
	 * @param condition what it must satisfy
	 * @return the first value read that satisfies the condition within 5 seconds
	 */
	public static <T> T get(Supplier<T> read, Predicate<T> condition) {
		return get(read, condition, Duration.ofSeconds(5));
	}

}
