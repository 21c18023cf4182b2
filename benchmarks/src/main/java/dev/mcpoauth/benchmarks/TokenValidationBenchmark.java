package dev.mcpoauth.benchmarks;

import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpoauth.server.McpOAuthServerProperties;
import dev.mcpoauth.server.jwt.AccessTokenDecoders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Validating one access token, four ways, for RS256 and ES256:
 * <ul>
 * <li>{@code nimbusFloor}: parse and verify the signature with Nimbus alone, the physical floor;</li>
 * <li>{@code starterDecoder}: the starter's decoder (key looked up by {@code kid}, every claim check);</li>
 * <li>{@code springNimbusJwtDecoder}: a stock Spring Security {@code NimbusJwtDecoder} built the usual way, the
 * peer baseline;</li>
 * <li>{@code starterDecoderCached}: the starter's decoder with the opt-in validated-token cache, same token again.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenValidationBenchmark {

	private static final String ISSUER = "https://idp.example";

	@Param({ "RS256", "ES256" })
	public String algorithm;

	private String token;

	private JWSVerifier verifier;

	private JwtDecoder starter;

	private JwtDecoder starterCached;

	private JwtDecoder stock;

	@Setup
	public void setUp() throws Exception {
		JWK key;
		JWSSigner signer;
		JWSAlgorithm jws;
		if ("ES256".equals(this.algorithm)) {
			ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
			key = ec;
			signer = new ECDSASigner(ec);
			this.verifier = new ECDSAVerifier(ec.toPublicJWK());
			jws = JWSAlgorithm.ES256;
			this.stock = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<SecurityContext>(new JWKSet(ec.toPublicJWK())))
				.jwsAlgorithm(SignatureAlgorithm.ES256)
				.build();
		}
		else {
			RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
			key = rsa;
			signer = new RSASSASigner(rsa);
			this.verifier = new RSASSAVerifier(rsa.toPublicJWK());
			jws = JWSAlgorithm.RS256;
			this.stock = NimbusJwtDecoder.withPublicKey(rsa.toRSAPublicKey()).build();
		}
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject("user")
			.audience("https://mcp.example/mcp")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(3600)))
			.claim("scope", "mcp:tools")
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(jws).keyID(key.getKeyID()).build(), claims);
		jwt.sign(signer);
		this.token = jwt.serialize();
		ImmutableJWKSet<SecurityContext> keys = new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()));
		this.starter = AccessTokenDecoders.create(properties(false), (issuer) -> keys);
		this.starterCached = AccessTokenDecoders.create(properties(true), (issuer) -> keys);
	}

	private static McpOAuthServerProperties properties(boolean cache) {
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(URI.create(ISSUER));
		// Never asked: the in-process key source has the kid.
		properties.setJwkSetUri(URI.create("https://idp.example/jwks"));
		properties.getTokenCache().setEnabled(cache);
		return properties;
	}

	@Benchmark
	public boolean nimbusFloor() throws Exception {
		return SignedJWT.parse(this.token).verify(this.verifier);
	}

	@Benchmark
	public Jwt starterDecoder() {
		return this.starter.decode(this.token);
	}

	@Benchmark
	public Jwt springNimbusJwtDecoder() {
		return this.stock.decode(this.token);
	}

	@Benchmark
	public Jwt starterDecoderCached() {
		return this.starterCached.decode(this.token);
	}

}
