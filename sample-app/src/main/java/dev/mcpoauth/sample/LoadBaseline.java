package dev.mcpoauth.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
 */
@Configuration(proxyBeanMethods = false)
@Profile("load-baseline")
class LoadBaseline {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 100)
	SecurityFilterChain unsecuredMcpForLoadBaseline(HttpSecurity http) throws Exception {
		return http.securityMatcher("/mcp", "/mcp/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.build();
	}

}
