package dev.mcpoauth.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches once any property under {@code mcp.oauth.server} is set and {@code mcp.oauth.server.enabled} is not
 * {@code false}: the one switch of the server side, on both web stacks. An application that only calls MCP servers
 * is left alone, and one that sets a server property without a key source (or misspells the key source) is stopped
 * by the properties' validation with a message rather than silently left open to Spring Boot's defaults.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(McpOAuthServerCondition.class)
public @interface ConditionalOnMcpOAuthServer {

}
