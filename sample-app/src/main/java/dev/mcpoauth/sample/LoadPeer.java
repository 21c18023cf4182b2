package dev.mcpoauth.sample;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * For the load measurement only ({@code benchmarks/load.sh}): with the {@code load-peer} profile the starter's server
 * side is switched off and {@code /mcp} is protected the way a user would do it without the starter: Spring Boot's
 * own resource server ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri} and {@code .audiences}, see
 * {@code application-load-peer.yml}) on a chain shaped like Spring Boot's default resource-server chain, with CSRF
 * protection off as MCP servers set it (a POST with a bearer token and no cookie session is refused by it
 * otherwise). It is the peer the starter is measured against; never use this profile for anything else.
 *
 * <p>An auto-configuration (listed in {@code META-INF/spring}), so that it comes after Spring Boot's authorization
 * server auto-configuration, as the starter's chain does: a {@code SecurityFilterChain} of the application's own
 * would switch off the authorization server's default chain, and with it the token endpoint the load script uses.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration" })
@Profile("load-peer")
public final class LoadPeer {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 100)
	SecurityFilterChain peerMcpForLoad(HttpSecurity http) throws Exception {
		return http.securityMatcher("/mcp", "/mcp/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
