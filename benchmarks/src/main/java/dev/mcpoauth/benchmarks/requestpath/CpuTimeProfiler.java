package dev.mcpoauth.benchmarks.requestpath;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The CPU time the whole benchmark process spent per operation, every thread counted (a request's work may finish
 * on another thread than the one that started it): {@code cpu.time.norm}, in microseconds. Unlike the average wall
 * time it does not count waiting for a core, so it stays comparable on a machine shared with other work. Use with
 * {@code -prof dev.mcpoauth.benchmarks.requestpath.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {

	private final com.sun.management.OperatingSystemMXBean system = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private long startNanos;

	@Override
	public String getDescription() {
		return "Process CPU time per operation";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.startNanos = this.system.getProcessCpuTime();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
			IterationResult result) {
		long cpuNanos = this.system.getProcessCpuTime() - this.startNanos;
		long operations = result.getMetadata().getAllOps();
		double perOperation = (operations > 0) ? cpuNanos / 1000.0 / operations : Double.NaN;
		return List.of(new ScalarResult("cpu.time.norm", perOperation, "us/op", AggregationPolicy.AVG));
	}

}
