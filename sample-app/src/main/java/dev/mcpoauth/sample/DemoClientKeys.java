package dev.mcpoauth.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the public half of the demo client's key, so that the embedded authorization server can verify the
 * {@code private_key_jwt} assertions of {@code sample-jwt-client}. The key is a demo key: never use it elsewhere.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!external-idp")
class DemoClientKeys {

	static final String JWKS_PATH = "/demo-client/jwks.json";

	/** A public document: kept out of Spring Security, whose default chain would ask for a login. */
	@Bean
	WebSecurityCustomizer publicDemoClientJwks() {
		return (web) -> web.ignoring().requestMatchers(JWKS_PATH);
	}

	@RestController
	static class DemoClientJwksController {

		private final Map<String, Object> jwks;

		DemoClientJwksController() throws IOException, ParseException {
			try (InputStream in = new ClassPathResource("demo-client/demo-only-private-key.jwk.json").getInputStream()) {
				JWK key = JWK.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				this.jwks = new JWKSet(key.toPublicJWK()).toJSONObject();
			}
		}

		@GetMapping(JWKS_PATH)
		Map<String, Object> jwks() {
			return this.jwks;
		}

	}

}
