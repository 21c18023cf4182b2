package dev.mcpoauth.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

import dev.mcpoauth.CacheStatistics;

/**
 * Micrometer's cache meters ({@code cache.gets} by {@code result} hit or miss, {@code cache.puts},
 * {@code cache.evictions}, {@code cache.size}, tagged with {@code cache}) over the counts of one of the starter's
 * caches.
 */
final class CacheStatisticsMeterBinder extends CacheMeterBinder<CacheStatistics> {

	/**
	 * @param statistics the cache's counts
	 * @param name the cache's name
	 * @param tags further tags
	 */
	CacheStatisticsMeterBinder(CacheStatistics statistics, String name, Tags tags) {
		super(statistics, name, tags);
	}

	@Override
	protected Long size() {
		CacheStatistics statistics = getCache();
		return (statistics != null) ? statistics.size() : null;
	}

	@Override
	protected long hitCount() {
		CacheStatistics statistics = getCache();
		return (statistics != null) ? statistics.hits() : 0;
	}

	@Override
	protected Long missCount() {
		CacheStatistics statistics = getCache();
		return (statistics != null) ? statistics.misses() : null;
	}

	@Override
	protected Long evictionCount() {
		CacheStatistics statistics = getCache();
		return (statistics != null) ? statistics.evictions() : null;
	}

	@Override
	protected long putCount() {
		CacheStatistics statistics = getCache();
		return (statistics != null) ? statistics.puts() : 0;
	}

	@Override
	protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
	}

}
