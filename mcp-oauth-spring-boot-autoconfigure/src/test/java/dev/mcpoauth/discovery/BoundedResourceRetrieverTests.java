package dev.mcpoauth.discovery;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.StubHttpServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.util.Resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link BoundedResourceRetriever} against a real loopback server: a document is fetched with its content type;
 * an error status and a document over the size limit are refused. (Slow answers: {@code SlowDiscoveryTests}.)
 */
class BoundedResourceRetrieverTests {

	private final StubHttpServer server = new StubHttpServer();

	private final BoundedResourceRetriever retriever = new BoundedResourceRetriever(Duration.ofSeconds(1),
			Duration.ofSeconds(2), 1024);

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void fetchesADocumentWithItsContentType() throws Exception {
		this.server.serve("/doc", "{\"issuer\":\"x\"}");
		Resource resource = this.retriever.retrieveResource(new URL(this.server.url() + "/doc"));
		assertThat(resource.getContent()).isEqualTo("{\"issuer\":\"x\"}");
		assertThat(resource.getContentType()).startsWith("application/json");
	}

	@Test
	void refusesAnErrorStatus() {
		this.server.handle("/doc", (request) -> new Response(503, "{}", Map.of()));
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.retriever.retrieveResource(new URL(this.server.url() + "/doc")))
			.withMessageContaining("HTTP 503");
	}

	@Test
	void refusesADocumentOverTheSizeLimit() {
		this.server.serve("/doc", "{\"pad\":\"" + "x".repeat(2048) + "\"}");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.retriever.retrieveResource(new URL(this.server.url() + "/doc")))
			.withMessageContaining("larger than 1024 bytes");
	}

}
