package dev.mcpoauth.keycloak;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Keycloak on loopback for tests: the distribution that Maven unpacked into {@code keycloak.home}, started
 * in dev mode with a realm imported from a template, on a Java 21+ JDK found on the machine. Stopped (with its
 * process tree) by {@link #close()}.
 */
final class KeycloakServer implements AutoCloseable {

	static final String ADMIN = "admin";

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

	private final Process process;

	private final int port;

	private final Path log;

	private KeycloakServer(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Start Keycloak and wait until the realm answers.
	 * @param port the HTTP port (loopback)
	 * @param managementPort the management port (loopback)
	 * @param realmTemplate the realm JSON resource
	 * @param placeholders replacements in the template
	 * @return the running server
	 */
	static KeycloakServer start(int port, int managementPort, String realmTemplate, Map<String, String> placeholders)
			throws IOException, InterruptedException {
		Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.7.3"));
		if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
			throw new IllegalStateException("No Keycloak distribution at " + home.toAbsolutePath()
					+ ": run the tests through Maven (mvn -Pkeycloak verify), which unpacks org.keycloak:keycloak-quarkus-dist");
		}
		Path javaHome = javaHome();
		String realm;
		try (InputStream in = KeycloakServer.class.getResourceAsStream(realmTemplate)) {
			realm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
			realm = realm.replace("@" + placeholder.getKey() + "@", placeholder.getValue());
		}
		Path imports = home.resolve("data/import");
		Files.createDirectories(imports);
		try (Stream<Path> old = Files.list(home.resolve("data"))) {
			for (Path entry : old.filter((p) -> !p.equals(imports)).toList()) {
				deleteRecursively(entry);
			}
		}
		Files.writeString(imports.resolve("mcp-realm.json"), realm);
		Path log = Files.createTempFile("keycloak", ".log");
		List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
				"--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
				"--import-realm"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("JAVA_HOME", javaHome.toString());
		builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
		builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN);
		KeycloakServer server = new KeycloakServer(builder.start(), port, log);
		server.awaitRealm("mcp");
		return server;
	}

	/** The first Java 21+ JDK: KEYCLOAK_JAVA_HOME, the running JVM, or one under /usr/lib/jvm. */
	static Path javaHome() {
		List<Path> candidates = new ArrayList<>();
		Optional.ofNullable(System.getenv("KEYCLOAK_JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
		candidates.add(Path.of(System.getProperty("java.home")));
		File[] installed = new File("/usr/lib/jvm").listFiles();
		if (installed != null) {
			for (File jdk : installed) {
				candidates.add(jdk.toPath());
			}
		}
		for (Path candidate : candidates) {
			if (Files.isExecutable(candidate.resolve("bin/java")) && featureVersion(candidate) >= 21) {
				return candidate;
			}
		}
		throw new IllegalStateException("Keycloak 26 needs Java 21 or newer and none was found (looked at "
				+ "KEYCLOAK_JAVA_HOME, the running JVM and /usr/lib/jvm/*): install one, e.g. a Temurin 21 or 25 JDK, "
				+ "or point KEYCLOAK_JAVA_HOME at it");
	}

	private static int featureVersion(Path javaHome) {
		try {
			for (String line : Files.readAllLines(javaHome.resolve("release"))) {
				if (line.startsWith("JAVA_VERSION=")) {
					String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
					return Integer.parseInt(version.split("[.]")[0]);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// not a JDK with a release file
		}
		return 0;
	}

	private void awaitRealm(String realm) throws InterruptedException, IOException {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		URI discovery = URI.create(url() + "/realms/" + realm + "/.well-known/openid-configuration");
		Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Keycloak exited with " + this.process.exitValue() + ":\n" + tail());
			}
			try {
				HttpResponse<Void> response = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(1000);
		}
		close();
		throw new IllegalStateException("Keycloak did not serve realm " + realm + " within " + STARTUP_TIMEOUT + ":\n" + tail());
	}

	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	String issuer() {
		return url() + "/realms/mcp";
	}

	private String tail() throws IOException {
		List<String> lines = Files.readAllLines(this.log);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	@Override
	public void close() {
		this.process.descendants().forEach(ProcessHandle::destroy);
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void deleteRecursively(Path path) throws IOException {
		try (Stream<Path> walk = Files.walk(path)) {
			for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
	}

}
