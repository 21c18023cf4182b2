package dev.mcpoauth.client;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.mcpoauth.Jwts;
import dev.mcpoauth.client.token.ClientAssertionFactory;
import dev.mcpoauth.client.transport.SpringAiMcpClientAuthorization;
import dev.mcpoauth.client.transport.SpringAiMcpSyncClientAuthorization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class McpOAuthClientAutoConfigurationTests {

	private static final String S = "mcp.oauth.client.registrations.s.";

	private static final String SPRING_AI = "spring.ai.mcp.client.streamable-http.connections.";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(McpOAuthClientAutoConfiguration.class));

	@TempDir
	Path temp;

	@Test
	void providesTheBeansWithoutAnyRegistration() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(McpOAuthClients.class);
			assertThat(context.getBean(McpOAuthClients.class).names()).isEmpty();
			assertThat(context).hasSingleBean(ClientAssertionFactory.class);
			assertThat(context).hasSingleBean(IdTokenResolver.class);
			assertThat(context).hasSingleBean(SpringAiMcpClientAuthorization.class);
			assertThat(context).hasSingleBean(SpringAiMcpSyncClientAuthorization.class);
		});
	}

	@Test
	void registersEachServer() {
		this.runner.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c", S + "client-secret=x")
			.run((context) -> {
				McpOAuthClients clients = context.getBean(McpOAuthClients.class);
				assertThat(clients.names()).containsExactly("s");
				assertThat(clients.authorization("s").serverUrl()).hasToString("https://mcp.example/mcp");
				assertThat(clients.restClientInterceptor("s")).isNotNull();
			});
	}

	@Test
	void unknownRegistrationNamesTheKnownOnes() {
		this.runner.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c", S + "client-secret=x")
			.run((context) -> org.assertj.core.api.Assertions
				.assertThatIllegalArgumentException()
				.isThrownBy(() -> context.getBean(McpOAuthClients.class).authorization("t"))
				.withMessageContaining("[s]"));
	}

	@Test
	void backsOffWithoutSpringSecurityOAuth2Client() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security.oauth2.client"))
			.run((context) -> assertThat(context).doesNotHaveBean(McpOAuthClients.class));
	}

	@Test
	void springAiCustomizerOnlyWithSpringAi() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.ai"))
			.run((context) -> {
				assertThat(context).hasSingleBean(McpOAuthClients.class);
				assertThat(context).doesNotHaveBean(SpringAiMcpClientAuthorization.class);
				assertThat(context).doesNotHaveBean(SpringAiMcpSyncClientAuthorization.class);
			});
	}

	@ParameterizedTest(name = "{0}{1}")
	@CsvSource(delimiter = '|', textBlock = """
			https://mcp.example      | /other
			https://mcp.example/mcp  | /mcpx
			https://evil.example     | /mcp
			http://mcp.example       | /mcp
			https://mcp.example:8443 | /mcp
			https://mcp.example      | /mcp/../other
			""")
	void aSpringAiConnectionOutsideTheServerUrlFailsAtStartupNamingBothProperties(String url, String endpoint) {
		this.runner
			.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c", S + "client-secret=x",
					SPRING_AI + "s.url=" + url, SPRING_AI + "s.endpoint=" + endpoint)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining(SPRING_AI + "s.url")
					.hasMessageContaining(S + "server-url")
					.hasMessageContaining(url);
			});
	}

	@Test
	void aSpringAiSseConnectionOutsideTheServerUrlFailsAtStartup() {
		this.runner
			.withPropertyValues(S + "server-url=https://mcp.example/sse", S + "client-id=c", S + "client-secret=x",
					"spring.ai.mcp.client.sse.connections.s.url=https://mcp.example",
					"spring.ai.mcp.client.sse.connections.s.sse-endpoint=/events")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("spring.ai.mcp.client.sse.connections.s.url")
					.hasMessageContaining(S + "server-url");
			});
		this.runner
			.withPropertyValues(S + "server-url=https://mcp.example/sse", S + "client-id=c", S + "client-secret=x",
					"spring.ai.mcp.client.sse.connections.s.url=https://mcp.example")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(dev.mcpoauth.client.transport.SpringAiMcpSseClientAuthorization.class));
	}

	@Test
	void springAiConnectionsUnderTheServerUrlOrWithoutRegistrationStart() {
		this.runner
			.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c", S + "client-secret=x",
					SPRING_AI + "s.url=https://MCP.example:443", SPRING_AI + "other.url=https://elsewhere.example")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void registrationsAndConnectionsWithoutAPartnerAreReportedAtStartup(CapturedOutput output) {
		this.runner
			.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c", S + "client-secret=x",
					SPRING_AI + "s.url=https://mcp.example", SPRING_AI + "weathr.url=https://weather.example",
					"mcp.oauth.client.registrations.weather.server-url=https://weather.example/mcp",
					"mcp.oauth.client.registrations.weather.client-id=w",
					"mcp.oauth.client.registrations.weather.client-secret=y")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("MCP registration 'weather' has no Spring AI connection of the same name")
			.contains("Spring AI MCP connection 'weathr' has no registration")
			.doesNotContain("MCP registration 's' has no")
			.doesNotContain("connection 's' has no");
	}

	@Test
	void everyBeanCanBeReplaced() {
		ClientAssertionFactory assertions = (request) -> "signed-in-a-kms";
		IdTokenResolver idTokens = () -> "id-token";
		McpOAuthClients clients = new McpOAuthClients(java.util.Map.of(), 0);
		this.runner.withBean(ClientAssertionFactory.class, () -> assertions)
			.withBean(IdTokenResolver.class, () -> idTokens)
			.withBean(McpOAuthClients.class, () -> clients)
			.run((context) -> {
				assertThat(context.getBean(ClientAssertionFactory.class)).isSameAs(assertions);
				assertThat(context.getBean(IdTokenResolver.class)).isSameAs(idTokens);
				assertThat(context.getBean(McpOAuthClients.class)).isSameAs(clients);
			});
	}

	@Test
	void aUserAssertionFactorySignsAndNoKeyFileIsNeeded() {
		try (StubAuthorizationServer server = new StubAuthorizationServer()) {
			this.runner.withBean(ClientAssertionFactory.class, () -> (request) -> "from-kms-for-" + request.audience())
				.withPropertyValues(S + "server-url=" + server.mcp(), S + "client-id=c",
						S + "client-authentication-method=private_key_jwt")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					context.getBean(McpOAuthClients.class).authorization("s").accessToken();
					assertThat(server.tokenRequests().get(0).form()).containsEntry("client_assertion",
							"from-kms-for-" + server.issuer());
				});
		}
	}

	@Test
	void theAuthorizationCodeFlowStartsWithoutCredentialsAndWithTheHeadlessUserAgent() {
		this.runner.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "flow=authorization-code")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(dev.mcpoauth.client.authorizationcode.AuthorizationCodeUserAgent.class))
					.isInstanceOf(dev.mcpoauth.client.authorizationcode.HeadlessAuthorizationCodeUserAgent.class);
				assertThat(context.getBean(McpOAuthClients.class).authorization("s").currentIdToken())
					.isEqualTo(dev.mcpoauth.client.authorizationcode.HeadlessAuthorizationCodeUserAgent.RESOURCE_OWNER);
			});
	}

	@Test
	void aUserAgentAndATokenStoreOfTheApplicationAreUsed() {
		dev.mcpoauth.client.authorizationcode.AuthorizationCodeUserAgent agent = new dev.mcpoauth.client.authorizationcode.AuthorizationCodeUserAgent() {

			@Override
			public String resourceOwner() {
				return "bob";
			}

			@Override
			public java.net.URI authorize(String registration,
					org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest request) {
				throw new IllegalStateException("not in this test");
			}

		};
		java.util.concurrent.atomic.AtomicReference<Object> registrations = new java.util.concurrent.atomic.AtomicReference<>();
		this.runner.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "flow=authorization-code")
			.withBean(dev.mcpoauth.client.authorizationcode.AuthorizationCodeUserAgent.class, () -> agent)
			.withBean(dev.mcpoauth.client.authorizationcode.McpAuthorizedClientServiceFactory.class,
					() -> (repository) -> {
						registrations.set(repository);
						return new org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService(
								repository);
					})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				McpOAuthClients clients = context.getBean(McpOAuthClients.class);
				assertThat(clients.authorization("s").currentIdToken()).isEqualTo("bob");
				assertThat(registrations.get()).isSameAs(clients.clientRegistrations());
				assertThat(context).doesNotHaveBean(
						org.springframework.security.oauth2.client.registration.ClientRegistrationRepository.class);
				assertThat(context)
					.doesNotHaveBean(org.springframework.security.oauth2.client.OAuth2AuthorizedClientService.class);
			});
	}

	@Test
	void secretsStayOutOfToString() {
		this.runner
			.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c", S + "client-secret=s3cret",
					S + "cross-app-access.idp-client-secret=idp-s3cret")
			.run((context) -> {
				McpOAuthClientProperties properties = context.getBean(McpOAuthClientProperties.class);
				assertThat(properties.getRegistrations().get("s").toString()).doesNotContain("s3cret");
				assertThat(properties.getRegistrations().get("s").getCrossAppAccess().toString())
					.doesNotContain("idp-s3cret");
				assertThat(context.getBean(McpOAuthClients.class).authorization("s").toString()).doesNotContain("s3cret");
			});
	}

	@Test
	void loadsPkcs8PemAndJwkKeysForEveryAlgorithmTheyFit() throws Exception {
		Path ecPem = Files.writeString(this.temp.resolve("ec.pem"), pkcs8(Jwts.ec().toPrivateKey().getEncoded()));
		Path rsaPem = Files.writeString(this.temp.resolve("rsa.pem"), pkcs8(Jwts.rsa().toPrivateKey().getEncoded()));
		Path rsaJwk = Files.writeString(this.temp.resolve("rsa.json"), Jwts.rsa().toJSONString());
		for (String[] keyAndAlgorithm : new String[][] { { ecPem.toString(), "ES256" }, { rsaPem.toString(), "RS256" },
				{ rsaPem.toString(), "PS256" }, { rsaJwk.toString(), "RS512" } }) {
			this.runner
				.withPropertyValues(S + "server-url=https://mcp.example/mcp", S + "client-id=c",
						S + "private-key-location=file:" + keyAndAlgorithm[0], S + "signing-algorithm=" + keyAndAlgorithm[1])
				.run((context) -> assertThat(context).as(keyAndAlgorithm[1]).hasNotFailed());
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			no server url                 | client-id=c;client-secret=x                                                          | server-url                      | absolute URL
			relative server url           | server-url=/mcp;client-id=c;client-secret=x                                          | server-url                      | absolute
			server url with dot segment   | server-url=https://m.example/a/../mcp;client-id=c;client-secret=x                  | server-url                      | segments, encoded
			server url with user info     | server-url=https://u@m.example/mcp;client-id=c;client-secret=x                      | server-url                      | without user info
			plain http server on network  | server-url=http://mcp.example/mcp;client-id=c;client-secret=x                        | server-url                      | allow-insecure-http
			no client id                  | server-url=https://m.example/mcp;client-secret=x                                     | client-id                       | identifier
			no credentials                | server-url=https://m.example/mcp;client-id=c                                         | client-secret                   | no credentials
			unknown method                | server-url=https://m.example/mcp;client-id=c;client-secret=x;client-authentication-method=tls_client_auth | client-authentication-method | Use one of
			private_key_jwt without key   | server-url=https://m.example/mcp;client-id=c;client-secret=x;client-authentication-method=private_key_jwt | private-key-location | signs client assertions
			basic without secret          | server-url=https://m.example/mcp;client-id=c;private-key-location=KEY;client-authentication-method=client_secret_basic | client-secret | needs the client's secret
			key that is no key            | server-url=https://m.example/mcp;client-id=c;private-key-location=BAD                | private-key-location            | PKCS#8
			key that cannot sign the alg  | server-url=https://m.example/mcp;client-id=c;private-key-location=KEY;signing-algorithm=RS256 | signing-algorithm        | cannot sign RS256
			token-uri without issuer      | server-url=https://m.example/mcp;client-id=c;private-key-location=KEY;token-uri=https://as.example/token | issuer-uri      | audience
			long assertion lifetime       | server-url=https://m.example/mcp;client-id=c;client-secret=x;assertion-lifetime=1h    | assertion-lifetime              | at most 5m
			cross-app without idp         | server-url=https://m.example/mcp;client-id=c;client-secret=x;flow=cross-app-access;cross-app-access.idp-client-id=i | cross-app-access.idp-token-uri | identity provider
			cross-app bad idp method      | server-url=https://m.example/mcp;client-id=c;client-secret=x;flow=cross-app-access;cross-app-access.idp-token-uri=https://idp.example/token;cross-app-access.idp-client-id=i;cross-app-access.idp-client-authentication-method=private_key_jwt | cross-app-access.idp-client-authentication-method | Use one of
			cross-app without idp client  | server-url=https://m.example/mcp;client-id=c;client-secret=x;flow=cross-app-access;cross-app-access.idp-token-uri=https://idp.example/token | cross-app-access.idp-client-id | identifier
			code flow with token-uri      | server-url=https://m.example/mcp;flow=authorization-code;token-uri=https://as.example/token | token-uri | set issuer-uri
			code flow without identity    | server-url=https://m.example/mcp;flow=authorization-code;authorization-code.dynamic-registration=false | client-id | client-id-metadata-document
			code flow secret without id   | server-url=https://m.example/mcp;flow=authorization-code;client-secret=x | client-id | pre-registered client
			code flow http redirect       | server-url=https://m.example/mcp;flow=authorization-code;authorization-code.redirect-uri=http://app.example/callback | authorization-code.redirect-uri | allow-insecure-http
			code flow relative redirect   | server-url=https://m.example/mcp;flow=authorization-code;authorization-code.redirect-uri=/callback | authorization-code.redirect-uri | absolute
			code flow http cimd           | server-url=https://m.example/mcp;flow=authorization-code;authorization-code.client-id-metadata-document=http://127.0.0.1/client.json | authorization-code.client-id-metadata-document | https URL
			code flow cimd without path   | server-url=https://m.example/mcp;flow=authorization-code;authorization-code.client-id-metadata-document=https://app.example | authorization-code.client-id-metadata-document | with a path
			code flow cimd and client id  | server-url=https://m.example/mcp;flow=authorization-code;client-id=c;authorization-code.client-id-metadata-document=https://app.example/c.json | authorization-code.client-id-metadata-document | not both
			code flow unknown method      | server-url=https://m.example/mcp;flow=authorization-code;client-id=c;client-authentication-method=tls_client_auth | client-authentication-method | or none
			""")
	void badConfigurationFailsAtStartupNamingThePropertyAndTheFix(String name, String properties, String property,
			String fix) throws Exception {
		Path key = Files.writeString(this.temp.resolve("key.json"), Jwts.ec().toJSONString());
		Path bad = Files.writeString(this.temp.resolve("bad.pem"), "not a key");
		String[] values = properties.replace("KEY", "file:" + key).replace("BAD", "file:" + bad).split(";");
		for (int i = 0; i < values.length; i++) {
			values[i] = S + values[i];
		}
		this.runner.withPropertyValues(values).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(S + property)
				.hasMessageContaining(fix)
				.message()
				.doesNotContain("\"d\"");
		});
	}

	private static String pkcs8(byte[] der) {
		return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
				+ "\n-----END PRIVATE KEY-----\n";
	}

}
