package dev.mcpoauth.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The sample's own authorization server (Spring Authorization Server, configured under
 * {@code spring.security.oauth2.authorizationserver.*}). Its access tokens are audience-bound (RFC 8707) to the
 * {@code resource} the client asks for, which must be one of {@code sample.authorization-server.resources} (by
 * default only the sample's MCP endpoint; add another local MCP server's URL to use the sample as its identity
 * provider); without a {@code resource}, to the sample's MCP endpoint. Another resource is refused with
 * {@code invalid_target}. The sample's own tokens are verified in-process, against the same key set.
 *
 * <p>Tokens are signed with {@code sample.authorization-server.signing-algorithm}: RS256 by default, with the RSA key
 * Spring Boot generates; ES256 with a P-256 key generated here (for {@code benchmarks/load.sh}'s ES256 case).
 */
@Configuration(proxyBeanMethods = false)
@Profile("!external-idp")
class EmbeddedAuthorizationServer {

	private static final String SIGNING_ALGORITHM = "sample.authorization-server.signing-algorithm";

	@Bean
	@ConditionalOnProperty(name = SIGNING_ALGORITHM, havingValue = "ES256")
	JWKSource<SecurityContext> es256SigningKey() throws JOSEException {
		return new ImmutableJWKSet<>(new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("sample-es256").generate()));
	}

	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> mcpAudience(@Value("${mcp.oauth.server.resource}") String resource,
			@Value("${sample.authorization-server.resources:${mcp.oauth.server.resource}}") List<String> allowed,
			@Value("${" + SIGNING_ALGORITHM + ":RS256}") String signingAlgorithm) {
		SignatureAlgorithm algorithm = SignatureAlgorithm.from(signingAlgorithm);
		return (context) -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				context.getJwsHeader().algorithm(algorithm);
				List<String> requested = requestedResources(context);
				if (!allowed.containsAll(requested)) {
					throw new OAuth2AuthenticationException(new OAuth2Error("invalid_target",
							"This authorization server issues tokens only for " + allowed, null));
				}
				context.getClaims().audience(requested.isEmpty() ? List.of(resource) : requested);
			}
		};
	}

	/** The RFC 8707 {@code resource} parameters of the token request, possibly none. */
	private static List<String> requestedResources(JwtEncodingContext context) {
		List<String> resources = new ArrayList<>();
		if (context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant) {
			Object value = grant.getAdditionalParameters().get("resource");
			if (value instanceof String single) {
				resources.add(single);
			}
			else if (value instanceof String[] several) {
				resources.addAll(Arrays.asList(several));
			}
		}
		return resources;
	}

}
