package dev.mcpoauth.server.web;

import java.util.ArrayList;
import java.util.List;

import dev.mcpoauth.server.metadata.ProtectedResourceMetadataCustomizer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A minimal application with an endpoint at {@code /mcp} (and its sub-paths) that echoes the body it receives, so
 * tests can drive the starter over real HTTP with any configuration, on either {@link Stack} (the same annotated
 * controller serves Spring MVC and WebFlux).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class WebTestApplication {

	@Bean
	ProtectedResourceMetadataCustomizer documentationCustomizer() {
		return (metadata) -> metadata.claim("x_customized", true);
	}

	static Running start(String... properties) {
		return start(Stack.SERVLET, properties);
	}

	static Running start(Stack stack, String... properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
		for (String property : properties) {
			args.add("--" + property);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WebTestApplication.class)
			.web(stack.type())
			.run(args.toArray(String[]::new));
		return new Running(context);
	}

	record Running(ConfigurableApplicationContext context) implements AutoCloseable {

		String url() {
			return "http://localhost:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

	/** Registered as a member class of this configuration. */
	@RestController
	static class EchoController {

		@RequestMapping({ "/mcp", "/mcp/**" })
		String echo(@RequestBody(required = false) String body) {
			return "ok:" + ((body != null) ? body : "");
		}

	}

}
