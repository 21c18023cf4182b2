package dev.mcpoauth.benchmarks.requestpath;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, in microseconds, which unlike the average wall time does not count waiting for a core, so
 * it stays comparable on a machine shared with other work: {@code cpu.time.norm}, the whole process (JIT compiler
 * and garbage collector threads included), and {@code cpu.java.norm}, the Java threads only (the request's own work,
 * on whichever thread it runs, without the JIT compiler, which is still busy long after a JMH warm-up in an
 * application this size, nor the collector). Use with
 * {@code -prof dev.mcpoauth.benchmarks.requestpath.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {

	private final com.sun.management.OperatingSystemMXBean system = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private long startNanos;

	private Map<Long, Long> startJavaNanos = Map.of();

	@Override
	public String getDescription() {
		return "Process CPU time per operation";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.startNanos = this.system.getProcessCpuTime();
		this.startJavaNanos = javaThreadNanos();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
			IterationResult result) {
		long cpuNanos = this.system.getProcessCpuTime() - this.startNanos;
		long javaNanos = 0;
		for (Map.Entry<Long, Long> thread : javaThreadNanos().entrySet()) {
			javaNanos += thread.getValue() - this.startJavaNanos.getOrDefault(thread.getKey(), 0L);
		}
		long operations = result.getMetadata().getAllOps();
		return List.of(perOperation("cpu.time.norm", cpuNanos, operations),
				perOperation("cpu.java.norm", javaNanos, operations));
	}

	private static ScalarResult perOperation(String label, long nanos, long operations) {
		double perOperation = (operations > 0) ? nanos / 1000.0 / operations : Double.NaN;
		return new ScalarResult(label, perOperation, "us/op", AggregationPolicy.AVG);
	}

	/** The CPU time of every live Java thread (the JIT compiler's and the collector's are not among them). */
	private Map<Long, Long> javaThreadNanos() {
		Map<Long, Long> nanos = new HashMap<>();
		for (long id : this.threads.getAllThreadIds()) {
			long time = this.threads.getThreadCpuTime(id);
			if (time >= 0) {
				nanos.put(id, time);
			}
		}
		return nanos;
	}

}
