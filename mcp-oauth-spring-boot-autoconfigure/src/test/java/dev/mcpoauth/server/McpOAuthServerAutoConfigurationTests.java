package dev.mcpoauth.server;

import java.util.List;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.server.dpop.DPoPAuthenticationFilter;
import jakarta.servlet.Filter;
import dev.mcpoauth.server.web.McpOAuthServerWebSecurityAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class McpOAuthServerAutoConfigurationTests {

	private static final String ISSUER = "mcp.oauth.server.issuer-uri=https://idp.example";

	private static final String RESOURCE = "mcp.oauth.server.resource=https://mcp.example/mcp";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
				UserDetailsServiceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				McpOAuthServerAutoConfiguration.class, McpOAuthServerWebSecurityAutoConfiguration.class));

	@Test
	void leavesAnApplicationWithoutServerConfigurationAlone() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(McpProtectedResource.class);
			assertThat(context).doesNotHaveBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN);
			assertThat(context).hasBean("defaultSecurityFilterChain");
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "mcp.oauth.server.required-scopes=mcp:tools", "mcp.oauth.server.resource=https://mcp.example/mcp",
			"mcp.oauth.server.tool-scopes.admin=mcp:admin" })
	void anyServerPropertyWithoutAKeySourceStopsTheStartUpNamingTheFix(String property) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("No key source to verify access tokens: set mcp.oauth.server.issuer-uri");
		});
	}

	@Test
	void disabledItStaysOffWhateverElseIsSet() {
		this.runner.withPropertyValues("mcp.oauth.server.enabled=false", "mcp.oauth.server.required-scopes=a")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(McpProtectedResource.class);
			});
	}

	@Test
	void protectsTheEndpointOnceAnIssuerIsConfigured() {
		this.runner.withPropertyValues(ISSUER).run((context) -> {
			assertThat(context).hasSingleBean(McpProtectedResource.class);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN);
			assertThat(context.getBean(McpProtectedResource.class).metadataPath())
				.isEqualTo("/.well-known/oauth-protected-resource/mcp");
		});
	}

	@Test
	void keepsSpringBootsDefaultChainForTheRestOfTheApplication() {
		this.runner.withPropertyValues(ISSUER)
			.run((context) -> assertThat(context.getBeansOfType(SecurityFilterChain.class)).containsOnlyKeys(
					McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN, "defaultSecurityFilterChain"));
	}

	@Test
	void keepsTheApplicationsOwnChain() {
		this.runner.withPropertyValues(ISSUER)
			.withUserConfiguration(UserChainConfiguration.class)
			.run((context) -> assertThat(context.getBeansOfType(SecurityFilterChain.class))
				.containsOnlyKeys(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN, "userChain"));
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues(ISSUER, "mcp.oauth.server.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(McpProtectedResource.class);
			assertThat(context).doesNotHaveBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN);
		});
	}

	@Test
	void backsOffOutsideServletApplications() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(McpOAuthServerAutoConfiguration.class, McpOAuthServerWebSecurityAutoConfiguration.class))
			.withPropertyValues(ISSUER)
			.run((context) -> assertThat(context).doesNotHaveBean(McpProtectedResource.class));
	}

	@Test
	void backsOffWithoutSpringSecurityOAuth2ResourceServer() {
		this.runner.withPropertyValues(ISSUER)
			.withClassLoader(new FilteredClassLoader("org.springframework.security.oauth2.server.resource"))
			.run((context) -> assertThat(context).doesNotHaveBean(McpProtectedResource.class));
	}

	@Test
	void everyBeanCanBeReplacedByTheUsersOwn() {
		this.runner.withPropertyValues(ISSUER).withUserConfiguration(ReplacementConfiguration.class).run((context) -> {
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN))
				.isSameAs(ReplacementConfiguration.DECODER);
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.ENTRY_POINT_BEAN))
				.isSameAs(ReplacementConfiguration.ENTRY_POINT);
			assertThat(context.getBean(McpOAuthServerAutoConfiguration.ACCESS_DENIED_HANDLER_BEAN))
				.isSameAs(ReplacementConfiguration.ACCESS_DENIED);
			assertThat(context.getBean(McpProtectedResource.class)).isSameAs(ReplacementConfiguration.RESOURCE);
		});
	}

	@Test
	void dPoPIsOffByDefaultAndItsReplayCacheCanBeReplacedByName() {
		this.runner.withPropertyValues(ISSUER).run((context) -> {
			assertThat(context).doesNotHaveBean(McpOAuthServerAutoConfiguration.DPOP_REPLAY_CACHE_BEAN);
			assertThat(filters(context)).doesNotHaveAnyElementsOfTypes(DPoPAuthenticationFilter.class);
		});
		Cache application = new ConcurrentMapCache("application");
		this.runner.withPropertyValues(ISSUER, RESOURCE, "mcp.oauth.server.dpop.enabled=true")
			.withBean("applicationCache", Cache.class, () -> application)
			.run((context) -> {
				assertThat(context.getBean(McpOAuthServerAutoConfiguration.DPOP_REPLAY_CACHE_BEAN))
					.isInstanceOf(DPoPProofReplayValidator.InMemoryCache.class);
				assertThat(context.getBean(Cache.class)).as("the application's cache stays the one injected by type")
					.isSameAs(application);
				assertThat(filters(context)).hasAtLeastOneElementOfType(DPoPAuthenticationFilter.class);
			});
		Cache shared = new ConcurrentMapCache("shared");
		this.runner.withPropertyValues(ISSUER, RESOURCE, "mcp.oauth.server.dpop.required=true")
			.withBean(McpOAuthServerAutoConfiguration.DPOP_REPLAY_CACHE_BEAN, Cache.class, () -> shared)
			.run((context) -> assertThat(context.getBean(McpOAuthServerAutoConfiguration.DPOP_REPLAY_CACHE_BEAN))
				.isSameAs(shared));
	}

	@Test
	void dPoPOnASpringSecurityWithoutItsReplayValidatorStopsTheStartUp() {
		this.runner.withPropertyValues(ISSUER, RESOURCE, "mcp.oauth.server.dpop.enabled=true")
			.withClassLoader(new FilteredClassLoader(DPoPProofReplayValidator.class))
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("mcp.oauth.server.dpop.enabled")
				.hasMessageContaining("Spring Security 7.0.7, 7.1.1 or newer"));
		this.runner.withPropertyValues(ISSUER)
			.withClassLoader(new FilteredClassLoader(DPoPProofReplayValidator.class))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static List<Filter> filters(AssertableWebApplicationContext context) {
		return context.getBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN, SecurityFilterChain.class)
			.getFilters();
	}

	@Test
	void theChainCanBeReplacedByName() {
		this.runner.withPropertyValues(ISSUER).withUserConfiguration(ReplacementChainConfiguration.class)
			.run((context) -> assertThat(context.getBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN))
				.isSameAs(context.getBean(ReplacementChainConfiguration.class).chain));
	}

	@Test
	void anotherJwtDecoderOfTheApplicationStaysTheOneInjectedByType() {
		JwtDecoder applicationDecoder = (token) -> {
			throw new JwtException("application decoder");
		};
		this.runner.withPropertyValues(ISSUER).withBean("jwtDecoder", JwtDecoder.class, () -> applicationDecoder)
			.run((context) -> {
				assertThat(context.getBean(JwtDecoder.class)).isSameAs(applicationDecoder);
				assertThat(context.getBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN))
					.isNotSameAs(applicationDecoder);
			});
	}

	/** The runner with a Spring Authorization Server of the given issuer and key in the application. */
	private WebApplicationContextRunner withInProcessAuthorizationServer(String issuer, RSAKey key) {
		return this.runner
			.withBean(AuthorizationServerSettings.class, () -> AuthorizationServerSettings.builder().issuer(issuer).build())
			.withBean(JWKSource.class, () -> new ImmutableJWKSet<SecurityContext>(new JWKSet(key)));
	}

	@Test
	void verifiesTokensOfTheInProcessAuthorizationServerWithItsKeys() {
		RSAKey key = Jwts.rsa();
		withInProcessAuthorizationServer("http://localhost:1", key)
			.withPropertyValues("mcp.oauth.server.issuer-uri=http://localhost:1")
			.run((context) -> {
				JwtDecoder decoder = context.getBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN,
						JwtDecoder.class);
				assertThat(decoder.decode(Jwts.sign(key, "http://localhost:1", "aud")).getSubject()).isEqualTo("user");
			});
	}

	@Test
	void ignoresInProcessKeysOfAnotherIssuer() {
		RSAKey key = Jwts.rsa();
		withInProcessAuthorizationServer("http://localhost:2", key)
			.withPropertyValues("mcp.oauth.server.issuer-uri=http://localhost:1")
			.run((context) -> {
				JwtDecoder decoder = context.getBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN,
						JwtDecoder.class);
				assertThatExceptionOfType(JwtException.class)
					.isThrownBy(() -> decoder.decode(Jwts.sign(key, "http://localhost:1", "aud")));
			});
	}

	@Test
	void verifiesTheInProcessAuthorizationServersTokensWithItsKeysAmongSeveralIssuers() {
		RSAKey key = Jwts.rsa();
		withInProcessAuthorizationServer("http://localhost:1", key)
			.withPropertyValues("mcp.oauth.server.issuers.local.issuer-uri=http://localhost:1",
					"mcp.oauth.server.issuers.other.issuer-uri=http://localhost:2")
			.run((context) -> {
				JwtDecoder decoder = context.getBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN,
						JwtDecoder.class);
				assertThat(decoder.decode(Jwts.sign(key, "http://localhost:1", "aud")).getSubject()).isEqualTo("user");
				assertThatExceptionOfType(JwtException.class).as("the other issuer does not get the local keys")
					.isThrownBy(() -> decoder.decode(Jwts.sign(key, "http://localhost:2", "aud")));
			});
	}

	/** Break-it review: every value Spring Boot binds as true switches DPoP on, the replay cache included. */
	@Test
	void dPoPSwitchedOnWithOnStartsAsWithTrue() {
		this.runner.withPropertyValues(ISSUER, RESOURCE, "mcp.oauth.server.dpop.enabled=on")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean(McpOAuthServerAutoConfiguration.DPOP_REPLAY_CACHE_BEAN));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			no key source at all            | mcp.oauth.server.enabled=true                                                                     | mcp.oauth.server.issuer-uri          | No key source
			relative issuer                 | mcp.oauth.server.issuer-uri=/realms/x                                                             | mcp.oauth.server.issuer-uri          | absolute
			plain http issuer on a network  | mcp.oauth.server.issuer-uri=http://idp.example                                                    | mcp.oauth.server.issuer-uri          | allow-insecure-http
			JWK Set URI without a host      | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jwk-set-uri=https:/keys          | mcp.oauth.server.jwk-set-uri         | absolute
			two key sources                 | mcp.oauth.server.jwk-set-uri=https://idp.example/k,mcp.oauth.server.hmac-secret=0123456789abcdef0123456789abcdef | mcp.oauth.server.jwk-set-uri | Set only one
			HS256 without a secret          | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jws-algorithms=HS256             | mcp.oauth.server.hmac-secret         | shared secret
			short HMAC secret               | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jws-algorithms=HS256,mcp.oauth.server.hmac-secret=short | mcp.oauth.server.hmac-secret | at least 32 bytes
			HMAC mixed with RSA             | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jws-algorithms=HS256;RS256       | mcp.oauth.server.jws-algorithms      | algorithm confusion
			secret with RSA algorithms      | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.hmac-secret=0123456789abcdef0123456789abcdef | mcp.oauth.server.jws-algorithms | list only HMAC
			alg none                        | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jws-algorithms=none              | mcp.oauth.server.jws-algorithms      | Not a supported JWS algorithm
			unknown algorithm               | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jws-algorithms=XY999             | mcp.oauth.server.jws-algorithms      | Not a supported JWS algorithm
			no authorization server         | mcp.oauth.server.jwk-set-uri=https://idp.example/keys                                             | mcp.oauth.server.authorization-servers | at least one authorization server
			endpoint with wildcard          | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.endpoint=/mcp/**                 | mcp.oauth.server.endpoint            | plain path
			endpoint without slash          | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.endpoint=mcp                     | mcp.oauth.server.endpoint            | plain path
			resource with fragment          | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://h/mcp#x         | mcp.oauth.server.resource            | no fragment
			scope with a quote              | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.required-scopes=a"b              | mcp.oauth.server.required-scopes     | scope is one token
			offline_access advertised       | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.scopes-supported=mcp;offline_access | mcp.oauth.server.scopes-supported | do not ask for offline_access
			tool scope with a space         | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.tool-scopes.t=a b                | mcp.oauth.server.tool-scopes.t       | scope is one token
			missing public key file         | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.public-key-location=classpath:nope.pem | mcp.oauth.server.public-key-location | does not exist
			cool-down not under the TTL     | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jwks.cache-ttl=10s,mcp.oauth.server.jwks.refresh-cooldown=10s | mcp.oauth.server.jwks.refresh-cooldown | shorter than
			zero read timeout               | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jwks.read-timeout=0s | mcp.oauth.server.jwks.read-timeout | positive duration
			negative clock skew             | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.clock-skew=-1s                   | mcp.oauth.server.clock-skew          | zero or more
			issuers beside issuer-uri       | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.issuers.a.issuer-uri=https://a.example | mcp.oauth.server.issuer-uri | move it into mcp.oauth.server.issuers.<name>.issuer-uri
			issuers beside a public key     | mcp.oauth.server.public-key-location=classpath:nope.pem,mcp.oauth.server.issuers.a.issuer-uri=https://a.example | mcp.oauth.server.public-key-location | move it into
			issuers beside an HMAC secret   | mcp.oauth.server.hmac-secret=0123456789abcdef0123456789abcdef,mcp.oauth.server.issuers.a.issuer-uri=https://a.example | mcp.oauth.server.hmac-secret | move it into
			issuer without issuer-uri       | mcp.oauth.server.issuers.a.jwk-set-uri=https://a.example/keys          | mcp.oauth.server.issuers.a.issuer-uri | needs its issuer identifier
			issuer listed twice             | mcp.oauth.server.issuers.a.issuer-uri=https://a.example,mcp.oauth.server.issuers.b.issuer-uri=https://a.example | mcp.oauth.server.issuers.b.issuer-uri | list each issuer once
			plain http issuer of several    | mcp.oauth.server.issuers.a.issuer-uri=http://a.example                 | mcp.oauth.server.issuers.a.issuer-uri | allow-insecure-http
			relative JWK Set of an issuer   | mcp.oauth.server.issuers.a.issuer-uri=https://a.example,mcp.oauth.server.issuers.a.jwk-set-uri=/keys | mcp.oauth.server.issuers.a.jwk-set-uri | absolute
			blank audience of an issuer     | mcp.oauth.server.issuers.a.issuer-uri=https://a.example,mcp.oauth.server.issuers.a.audiences[0]= | mcp.oauth.server.issuers.a.audiences | 'aud'
			DPoP proof with HMAC            | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.algorithms=HS256 | mcp.oauth.server.dpop.algorithms | RSA and ECDSA algorithms only
			DPoP proof with none            | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.required=true,mcp.oauth.server.dpop.algorithms=none | mcp.oauth.server.dpop.algorithms | RSA and ECDSA algorithms only
			DPoP proof with EdDSA           | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.algorithms=EdDSA | mcp.oauth.server.dpop.algorithms | RSA and ECDSA algorithms only
			DPoP without algorithms         | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.algorithms= | mcp.oauth.server.dpop.algorithms | at least one algorithm
			DPoP proofs that never age      | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.proof-max-age=0s | mcp.oauth.server.dpop.proof-max-age | positive duration
			DPoP proofs valid for an hour   | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.proof-max-age=1h | mcp.oauth.server.dpop.proof-max-age | at most 5m
			DPoP replay cache of nothing    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.replay-cache.max-size=0 | mcp.oauth.server.dpop.replay-cache.max-size | 1 or more
			DPoP no proof per key           | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.replay-cache.max-proofs-per-key=0 | mcp.oauth.server.dpop.replay-cache.max-proofs-per-key | 1 or more
			DPoP without a resource         | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.audiences=api,mcp.oauth.server.dpop.enabled=true | mcp.oauth.server.resource | htu
			DPoP nonce good for a year      | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.nonce.lifetime=365d | mcp.oauth.server.dpop.nonce.lifetime | at most 15m
			DPoP nonce of no lifetime       | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.resource=https://mcp.example/mcp,mcp.oauth.server.dpop.enabled=true,mcp.oauth.server.dpop.nonce.lifetime=0s | mcp.oauth.server.dpop.nonce.lifetime | positive duration
			introspection without client id | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-secret=s     | mcp.oauth.server.introspection.client-id | introspection is off
			introspection mode without id   | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.mode=all           | mcp.oauth.server.introspection.client-id | introspection is off
			introspection without secret    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs       | mcp.oauth.server.introspection.client-secret | needs the client's secret
			blank introspection client id   | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=         | mcp.oauth.server.introspection.client-id | client id
			unknown introspection method    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.client-authentication-method=tls_client_auth | mcp.oauth.server.introspection.client-authentication-method | Use one of
			private_key_jwt without a key   | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-authentication-method=private_key_jwt | mcp.oauth.server.introspection.private-key-location | needs the key
			private_key_jwt and a secret    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.private-key-location=file:k.pem,mcp.oauth.server.introspection.client-secret=s | mcp.oauth.server.introspection.client-secret | authenticates with private_key_jwt
			a secret method and a key       | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.client-authentication-method=client_secret_post,mcp.oauth.server.introspection.private-key-location=file:k.pem | mcp.oauth.server.introspection.private-key-location | client-authentication-method=private_key_jwt
			private_key_jwt without issuer  | mcp.oauth.server.authorization-servers=https://idp.example,mcp.oauth.server.introspection.endpoint=https://idp.example/introspect,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.private-key-location=file:k.pem | mcp.oauth.server.issuer-uri | audience
			unreadable introspection key    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.private-key-location=file:/nonexistent/k.pem | mcp.oauth.server.introspection.private-key-location | cannot be read
			assertion lifetime too long     | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.private-key-location=file:k.pem,mcp.oauth.server.introspection.assertion-lifetime=10m | mcp.oauth.server.introspection.assertion-lifetime | at most 5m
			introspection for two issuers   | mcp.oauth.server.authorization-servers=https://a.example;https://b.example,mcp.oauth.server.introspection.endpoint=https://a.example/introspect,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s | mcp.oauth.server.authorization-servers | answers for one authorization server
			introspection and issuers       | mcp.oauth.server.issuers.a.issuer-uri=https://a.example,mcp.oauth.server.issuers.b.issuer-uri=https://b.example,mcp.oauth.server.introspection.endpoint=https://a.example/introspect,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s | mcp.oauth.server.issuers | answers for one authorization server
			no endpoint and no issuer       | mcp.oauth.server.authorization-servers=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s | mcp.oauth.server.introspection.endpoint | discover it
			plain http endpoint on network  | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.endpoint=http://idp.example/introspect,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s | mcp.oauth.server.introspection.endpoint | allow-insecure-http
			relative endpoint               | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.endpoint=/introspect,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s | mcp.oauth.server.introspection.endpoint | absolute
			mode all with a JWK Set         | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.jwk-set-uri=https://idp.example/jwks,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.mode=all | mcp.oauth.server.jwk-set-uri | introspects every token
			connect timeout over timeout    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.connect-timeout=5s | mcp.oauth.server.introspection.connect-timeout | no longer than
			zero introspection timeout      | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.timeout=0s | mcp.oauth.server.introspection.timeout | positive duration
			negative introspection cache    | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.cache.ttl=-1s | mcp.oauth.server.introspection.cache.ttl | zero (no cache)
			empty introspection cache       | mcp.oauth.server.issuer-uri=https://idp.example,mcp.oauth.server.introspection.client-id=rs,mcp.oauth.server.introspection.client-secret=s,mcp.oauth.server.introspection.cache.max-size=0 | mcp.oauth.server.introspection.cache.max-size | 1 or more
			""")
	void badConfigurationFailsAtStartupNamingThePropertyAndTheFix(String name, String properties, String property,
			String fix) {
		this.runner.withPropertyValues(properties.replace(';', ',').split(",(?=mcp\\.)")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property)
				.hasMessageContaining(fix);
		});
	}

	@Test
	void theHmacSecretNeverAppearsInAStartupError() {
		this.runner
			.withPropertyValues(ISSUER, "mcp.oauth.server.jws-algorithms=HS256", "mcp.oauth.server.hmac-secret=s3cr3t")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("s3cr3t"));
	}

	@Test
	void theIntrospectionSecretNeverAppearsInAStartupError() {
		this.runner
			.withPropertyValues(ISSUER, "mcp.oauth.server.introspection.client-id=rs",
					"mcp.oauth.server.introspection.client-secret=s3cr3t-value",
					"mcp.oauth.server.introspection.private-key-location=file:k.pem")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("mcp.oauth.server.introspection.client-secret")
				.message()
				.doesNotContain("s3cr3t-value"));
	}

	@Test
	void introspectionSitsBesideLocalJwtVerificationUnlessItTakesEveryToken() {
		String[] introspection = { "mcp.oauth.server.introspection.client-id=rs",
				"mcp.oauth.server.introspection.client-secret=s" };
		this.runner.withPropertyValues(ISSUER).run((context) -> {
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN);
			assertThat(context).doesNotHaveBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN);
		});
		this.runner.withPropertyValues(ISSUER).withPropertyValues(introspection).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN);
			assertThat(context).hasBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN);
		});
		this.runner.withPropertyValues(ISSUER, "mcp.oauth.server.introspection.mode=all")
			.withPropertyValues(introspection)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN);
				assertThat(context).hasBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN);
			});
		this.runner
			.withPropertyValues("mcp.oauth.server.authorization-servers=https://idp.example",
					"mcp.oauth.server.introspection.endpoint=https://idp.example/introspect")
			.withPropertyValues(introspection)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).as("no key source: every token is introspected")
					.doesNotHaveBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN);
				assertThat(context).hasBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN);
				assertThat(context).hasBean(McpOAuthServerAutoConfiguration.SECURITY_FILTER_CHAIN_BEAN);
			});
		this.runner.withPropertyValues("MCP_OAUTH_SERVER_ISSUERURI=https://idp.example",
				"MCP_OAUTH_SERVER_INTROSPECTION_CLIENTID=rs", "MCP_OAUTH_SERVER_INTROSPECTION_CLIENTSECRET=s",
				"MCP_OAUTH_SERVER_INTROSPECTION_MODE=ALL")
			.run((context) -> assertThat(context).as("the conditions bind as the properties do")
				.doesNotHaveBean(McpOAuthServerAutoConfiguration.JWT_DECODER_BEAN));
	}

	@Test
	void theIntrospectorCanBeReplacedByTheUsersOwnAndIsNotInjectedByType() {
		OpaqueTokenIntrospector users = (token) -> {
			throw new BadOpaqueTokenException("user introspector");
		};
		OpaqueTokenIntrospector applications = (token) -> {
			throw new BadOpaqueTokenException("application introspector");
		};
		this.runner
			.withPropertyValues(ISSUER, "mcp.oauth.server.introspection.client-id=rs",
					"mcp.oauth.server.introspection.client-secret=s")
			.withBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN, OpaqueTokenIntrospector.class,
					() -> users)
			.run((context) -> assertThat(context.getBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN))
				.isSameAs(users));
		this.runner
			.withPropertyValues(ISSUER, "mcp.oauth.server.introspection.client-id=rs",
					"mcp.oauth.server.introspection.client-secret=s")
			.withBean("opaqueTokenIntrospector", OpaqueTokenIntrospector.class, () -> applications)
			.run((context) -> {
				assertThat(context.getBean(OpaqueTokenIntrospector.class)).isSameAs(applications);
				assertThat(context.getBean(McpOAuthServerAutoConfiguration.OPAQUE_TOKEN_INTROSPECTOR_BEAN))
					.isNotSameAs(applications);
			});
	}

	@Test
	void plainHttpOnANetworkIsAllowedWhenTheUserOptsIn() {
		this.runner
			.withPropertyValues("mcp.oauth.server.issuer-uri=http://keycloak:8080/realms/x",
					"mcp.oauth.server.allow-insecure-http=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(McpProtectedResource.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserChainConfiguration {

		@Bean
		SecurityFilterChain userChain(HttpSecurity http) throws Exception {
			return http.securityMatcher("/app/**").authorizeHttpRequests((a) -> a.anyRequest().permitAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplacementConfiguration {

		static final JwtDecoder DECODER = (token) -> {
			throw new JwtException("user decoder");
		};

		static final AuthenticationEntryPoint ENTRY_POINT = (request, response, ex) -> response.setStatus(418);

		static final AccessDeniedHandler ACCESS_DENIED = (request, response, ex) -> response.setStatus(418);

		static final McpProtectedResource RESOURCE = new McpProtectedResource(null, "/custom");

		@Bean
		JwtDecoder mcpOAuthJwtDecoder() {
			return DECODER;
		}

		@Bean
		AuthenticationEntryPoint mcpOAuthAuthenticationEntryPoint() {
			return ENTRY_POINT;
		}

		@Bean
		AccessDeniedHandler mcpOAuthAccessDeniedHandler() {
			return ACCESS_DENIED;
		}

		@Bean
		McpProtectedResource userResource() {
			return RESOURCE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplacementChainConfiguration {

		SecurityFilterChain chain;

		@Bean
		SecurityFilterChain mcpOAuthSecurityFilterChain(HttpSecurity http) throws Exception {
			this.chain = http.securityMatcher("/mcp/**").authorizeHttpRequests((a) -> a.anyRequest().denyAll()).build();
			return this.chain;
		}

	}

}
