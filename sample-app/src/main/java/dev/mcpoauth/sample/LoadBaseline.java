package dev.mcpoauth.sample;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * For the load measurement only ({@code benchmarks/load.sh}): with the {@code load-baseline} profile the starter is
 * switched off and {@code /mcp} is left open, so the same endpoint can be measured without the starter. Never use
 * this profile for anything else.
 *
 * <p>An auto-configuration (listed in {@code META-INF/spring}), so that it comes after Spring Boot's authorization
 * server auto-configuration, as the starter's chain does: a {@code SecurityFilterChain} of the application's own
 * would switch off the authorization server's default chain, and with it the token endpoint the load script uses.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration" })
@Profile("load-baseline")
public final class LoadBaseline {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 100)
	SecurityFilterChain unsecuredMcpForLoadBaseline(HttpSecurity http) throws Exception {
		return http.securityMatcher("/mcp", "/mcp/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
