package dev.mcpoauth.benchmarks.requestpath;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The whole server-side path of one MCP request ({@code tools/list} in an open session), in-process: the servlet
 * filter chain and the MCP endpoint behind the {@code DispatcherServlet} ({@link InProcessMcpServer}), no socket and
 * no load generator. The same request four ways, each a fresh sample application in its own fork:
 * <ul>
 * <li>{@code open}: no protection (profile {@code load-baseline});</li>
 * <li>{@code peer}: Spring Boot's own resource server, issuer and audience validated (profile {@code load-peer});</li>
 * <li>{@code starter}: the starter, the token validated on every request;</li>
 * <li>{@code starter-cache}: the starter with {@code mcp.oauth.server.token-cache.enabled=true}.</li>
 * </ul>
 * The token is signed with {@code algorithm} by the sample's embedded authorization server. Run it from the class
 * path the build writes: {@code java -cp benchmarks/target/benchmarks.jar:$(cat benchmarks/target/classpath.txt)
 * org.openjdk.jmh.Main RequestPathBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
public class RequestPathBenchmark {

	private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

	@Param({ "open", "peer", "starter", "starter-cache" })
	public String server;

	@Param({ "RS256" })
	public String algorithm;

	private InProcessMcpServer sample;

	private String token;

	private String session;

	@Setup
	public void setUp() throws Exception {
		String signing = "--sample.authorization-server.signing-algorithm=" + this.algorithm;
		this.sample = switch (this.server) {
			case "open" -> InProcessMcpServer.start("load-baseline", List.of(signing));
			case "peer" -> InProcessMcpServer.start("load-peer", List.of(signing));
			case "starter" -> InProcessMcpServer.start("default", List.of(signing));
			case "starter-cache" -> InProcessMcpServer.start("default",
					List.of(signing, "--mcp.oauth.server.token-cache.enabled=true"));
			default -> throw new IllegalArgumentException(this.server);
		};
		this.token = this.sample.token();
		this.session = this.sample.openSession(this.token);
		MockHttpServletResponse answer = toolsList();
		if (answer.getStatus() != 200 || !answer.getContentAsString().contains("\"tools\"")) {
			throw new IllegalStateException("tools/list answered " + answer.getStatus() + ": " + answer.getContentAsString());
		}
	}

	@Benchmark
	public MockHttpServletResponse toolsList() throws Exception {
		return this.sample.post(this.token, this.session, TOOLS_LIST);
	}

	@TearDown
	public void tearDown() {
		this.sample.close();
	}

}
