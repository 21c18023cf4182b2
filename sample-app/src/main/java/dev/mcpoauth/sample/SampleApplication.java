package dev.mcpoauth.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An MCP server protected by mcp-oauth-spring-boot-starter. On its default profile it also hosts its own
 * authorization server (Spring Authorization Server), so it runs with no external identity provider.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
