package dev.mcpoauth;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded in-memory cache whose entries each carry their own end: an entry is never served at or after its end,
 * and at most {@code maxSize} entries are held (when full, the ended ones are dropped first, then arbitrary ones).
 * Keys are compared as given: key a secret by its {@link Digests#sha256 digest} where the secret itself should not
 * be kept.
 *
 * @param <V> the value type
 */
public final class ExpiringCache<V> {

	private final int maxSize;

	private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

	private final CacheStatistics statistics = new CacheStatistics(this::size);

	/**
	 * @param maxSize the most entries held, at least 1
	 */
	public ExpiringCache(int maxSize) {
		if (maxSize < 1) {
			throw new IllegalArgumentException("The cache must hold at least one entry");
		}
		this.maxSize = maxSize;
	}

	/**
	 * The value held for a key, if it has not ended.
	 * @param key the key
	 * @param now the current time
	 * @return the value, or {@code null}
	 */
	public V get(String key, Instant now) {
		Entry<V> entry = this.entries.get(key);
		if (entry == null) {
			this.statistics.miss();
			return null;
		}
		if (now.isBefore(entry.end())) {
			this.statistics.hit();
			return entry.value();
		}
		this.entries.remove(key, entry);
		this.statistics.miss();
		return null;
	}

	/**
	 * Hold a value until its end; a value whose end has come is not held.
	 * @param key the key
	 * @param value the value
	 * @param end the first instant at which the value is no longer served
	 * @param now the current time
	 */
	public void put(String key, V value, Instant end, Instant now) {
		if (!now.isBefore(end)) {
			return;
		}
		if (this.entries.size() >= this.maxSize) {
			evict(now);
		}
		this.entries.put(key, new Entry<>(value, end));
		this.statistics.put();
	}

	/** Drop the ended entries; if that frees nothing, drop entries until there is room. */
	private void evict(Instant now) {
		this.entries.values().removeIf((entry) -> !now.isBefore(entry.end()));
		Iterator<String> keys = this.entries.keySet().iterator();
		while (this.entries.size() >= this.maxSize && keys.hasNext()) {
			keys.next();
			keys.remove();
			this.statistics.evicted(1);
		}
	}

	/**
	 * @return the number of entries held, ended ones not yet dropped included
	 */
	public int size() {
		return this.entries.size();
	}

	/**
	 * @return the counts of lookups, additions and evictions
	 */
	public CacheStatistics statistics() {
		return this.statistics;
	}

	private record Entry<V>(V value, Instant end) {
	}

}
