package dev.mcpoauth;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What a cache of the starter counts: lookups answered (hits) and not (misses), entries added and entries dropped
 * to make room, and how many entries it holds. Counting costs an uncontended {@link LongAdder} increment per
 * lookup; the counts are read only when a meter registry asks for them (Micrometer's {@code cache.*} meters).
 */
public final class CacheStatistics {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder puts = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private final LongSupplier size;

	/**
	 * @param size how many entries the cache holds
	 */
	public CacheStatistics(LongSupplier size) {
		this.size = size;
	}

	/** A lookup was answered from the cache. */
	public void hit() {
		this.hits.increment();
	}

	/** A lookup found nothing usable in the cache. */
	public void miss() {
		this.misses.increment();
	}

	/** An entry was added. */
	public void put() {
		this.puts.increment();
	}

	/**
	 * Entries were dropped to make room.
	 * @param count how many
	 */
	public void evicted(long count) {
		this.evictions.add(count);
	}

	/** @return the lookups answered from the cache */
	public long hits() {
		return this.hits.sum();
	}

	/** @return the lookups that found nothing usable */
	public long misses() {
		return this.misses.sum();
	}

	/** @return the entries added */
	public long puts() {
		return this.puts.sum();
	}

	/** @return the entries dropped to make room */
	public long evictions() {
		return this.evictions.sum();
	}

	/** @return the entries held */
	public long size() {
		return this.size.getAsLong();
	}

}
