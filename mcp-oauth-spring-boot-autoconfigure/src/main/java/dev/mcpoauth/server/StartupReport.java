package dev.mcpoauth.server;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Says at start-up what the starter protects (one INFO line: paths, resource, key source, scopes), and warns when
 * the rest of the application has become unreachable: Spring Security came with the starter, Spring Boot's default
 * chain governs every other path, and nobody can log in to it (Spring Boot creates no user once resource-server
 * classes are present), so those paths answer 401. The warning says what to declare instead.
 */
final class StartupReport implements SmartInitializingSingleton {

	/** The name of Spring Boot's default chain, made only when the application declares none of its own. */
	static final String BOOT_DEFAULT_CHAIN = "defaultSecurityFilterChain";

	private static final Log logger = LogFactory.getLog(StartupReport.class);

	private final McpOAuthServerProperties properties;

	private final McpProtectedResource resource;

	private final ListableBeanFactory beans;

	StartupReport(McpOAuthServerProperties properties, McpProtectedResource resource, ListableBeanFactory beans) {
		this.properties = properties;
		this.resource = resource;
		this.beans = beans;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String paths = this.resource.paths().stream().map((path) -> path + "/**").collect(Collectors.joining(", "));
		logger.info("MCP OAuth protects " + paths + " (metadata at " + this.resource.metadataPath() + "): resource "
				+ ((this.properties.getResource() != null) ? this.properties.getResource() : "derived from each request")
				+ ", " + tokenSources() + ", required scopes " + this.properties.getRequiredScopes()
				+ ", tool scopes " + this.properties.getToolScopes() + dpop());
		if (this.beans.containsBean(McpOAuthServerAutoConfiguration.OTHER_PATHS_SECURITY_WEB_FILTER_CHAIN_BEAN)) {
			logger.warn("Every path other than the MCP endpoint (" + paths + ") answers 401: the application declares "
					+ "no SecurityWebFilterChain, and WebFlux drops its default chain once the MCP one exists, so "
					+ "the starter keeps them closed. Declare a SecurityWebFilterChain for them: to keep them open, "
					+ "@Bean SecurityWebFilterChain app(ServerHttpSecurity http) { return http.authorizeExchange("
					+ "(exchanges) -> exchanges.anyExchange().permitAll()).build(); } (the MCP chain stays in front "
					+ "of it), or one that authenticates them.");
		}
		if (this.beans.containsBean(BOOT_DEFAULT_CHAIN) && nobodyCanLogIn()) {
			logger.warn("Every path other than the MCP endpoint (" + paths + ") is governed by Spring Boot's default "
					+ "security chain, which nobody can log in to (there is no UserDetailsService): they all answer "
					+ "401. Declare a SecurityFilterChain for them: to keep them open, @Bean SecurityFilterChain "
					+ "app(HttpSecurity http) throws Exception { return http.authorizeHttpRequests((requests) -> "
					+ "requests.anyRequest().permitAll()).build(); } (the MCP chain stays in front of it), or one "
					+ "that authenticates them.");
		}
	}

	private boolean nobodyCanLogIn() {
		return List.of(UserDetailsService.class, AuthenticationProvider.class, AuthenticationManager.class)
			.stream()
			.allMatch((type) -> this.beans.getBeanNamesForType(type, false, false).length == 0);
	}

	private String dpop() {
		McpOAuthServerProperties.Dpop dpop = this.properties.getDpop();
		if (!McpOAuthServerAutoConfiguration.isOn(dpop)) {
			return "";
		}
		return (dpop.isRequired() ? ", DPoP-bound tokens only" : ", DPoP-bound tokens accepted") + " (proofs "
				+ dpop.getAlgorithms() + ", at most " + dpop.getProofMaxAge().toSeconds() + "s old"
				+ (dpop.getNonce().isEnabled() ? ", with a nonce" : "") + ")";
	}

	private String tokenSources() {
		String introspected = "introspected at " + ((this.properties.getIntrospection().getEndpoint() != null)
				? this.properties.getIntrospection().getEndpoint()
				: "the introspection_endpoint of issuer " + this.properties.getIssuerUri());
		if (!TokenSources.introspects(this.properties)) {
			return "tokens verified with " + keySource();
		}
		if (!TokenSources.verifiesJwtsLocally(this.properties)) {
			return "every token " + introspected;
		}
		return "tokens verified with " + keySource() + " when they are signed JWTs, else " + introspected;
	}

	private String keySource() {
		if (!this.properties.getIssuers().isEmpty()) {
			return "the keys of the issuer each token names, one of " + this.properties.getIssuers()
				.values()
				.stream()
				.map((issuer) -> issuer.getIssuerUri().toString())
				.toList();
		}
		if (this.properties.getJwkSetUri() != null) {
			return "the JWK Set at " + this.properties.getJwkSetUri();
		}
		if (this.properties.getPublicKeyLocation() != null) {
			return "the public key at " + this.properties.getPublicKeyLocation();
		}
		if (this.properties.getHmacSecret() != null) {
			return "a shared HMAC secret";
		}
		return "the keys of issuer " + this.properties.getIssuerUri() + " (or its in-process authorization server)";
	}

}
