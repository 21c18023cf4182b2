package dev.mcpoauth.server.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.mcpoauth.Jwts;
import dev.mcpoauth.StubHttpServer;
import dev.mcpoauth.server.McpOAuthServerProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decoder against a real JWK Set and discovery server on loopback that counts what it is asked for.
 */
class AccessTokenDecodersTests {

	private static final String AUDIENCE = "https://mcp.example/mcp";

	private final StubHttpServer idp = new StubHttpServer();

	@AfterEach
	void stop() {
		this.idp.close();
	}

	private McpOAuthServerProperties properties() {
		McpOAuthServerProperties properties = new McpOAuthServerProperties();
		properties.setIssuerUri(URI.create(this.idp.url()));
		return properties;
	}

	@Test
	void verifiesRs256AndEs256TokensFromAJwkSetUri() {
		RSAKey rsa = Jwts.rsa();
		ECKey ec = Jwts.ec();
		this.idp.serve("/jwks", Jwts.jwks(rsa.toPublicJWK(), ec.toPublicJWK()));
		McpOAuthServerProperties properties = properties();
		properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		assertThat(this.idp.requests()).as("nothing fetched before first use").isEmpty();
		Jwt jwt = decoder.decode(Jwts.sign(rsa, this.idp.url(), AUDIENCE));
		assertThat(jwt.getSubject()).isEqualTo("user");
		assertThat(decoder.decode(Jwts.sign(ec, this.idp.url(), AUDIENCE)).getSubject()).isEqualTo("user");
		assertThat(this.idp.requestsFor("/jwks")).as("keys are cached").isEqualTo(1);
	}

	@Test
	void discoversTheJwkSetFromTheIssuerOnFirstUseOnly() {
		RSAKey rsa = Jwts.rsa();
		this.idp.serve("/.well-known/oauth-authorization-server",
				"{\"issuer\":\"" + this.idp.url() + "\",\"jwks_uri\":\"" + this.idp.url() + "/keys\"}");
		this.idp.serve("/keys", Jwts.jwks(rsa.toPublicJWK()));
		JwtDecoder decoder = AccessTokenDecoders.create(properties());
		assertThat(this.idp.requests()).isEmpty();
		decoder.decode(Jwts.sign(rsa, this.idp.url(), AUDIENCE));
		decoder.decode(Jwts.sign(rsa, this.idp.url(), AUDIENCE));
		assertThat(this.idp.requests()).containsExactly("/.well-known/oauth-authorization-server", "/keys");
	}

	@Test
	void refusesADiscoveredPlainHttpJwkSetUriOnAnotherHost() {
		this.idp.serve("/.well-known/oauth-authorization-server",
				"{\"issuer\":\"" + this.idp.url() + "\",\"jwks_uri\":\"http://idp.example/keys\"}");
		JwtDecoder decoder = AccessTokenDecoders.create(properties());
		assertThatThrownBy(() -> decoder.decode(Jwts.sign(Jwts.rsa(), this.idp.url(), AUDIENCE)))
			.isInstanceOf(JwtException.class)
			.hasMessageContaining("must use https");
	}

	@Test
	void metadataWithoutAJwkSetUriIsRefusedAndNotAskedAgainWithinTheRetryInterval() {
		this.idp.serve("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + this.idp.url() + "\"}");
		McpOAuthServerProperties properties = properties();
		properties.getJwks().setRefreshCooldown(Duration.ofMinutes(1));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		String token = Jwts.sign(Jwts.rsa(), this.idp.url(), AUDIENCE);
		assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtException.class).hasMessageContaining("jwks_uri");
		assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtException.class)
			.hasMessageContaining("failed recently");
		assertThat(this.idp.requests()).containsExactly("/.well-known/oauth-authorization-server");
	}

	@Test
	void aStaticKeyIsNotUsedForAnAlgorithmOfAnotherKeyType() throws Exception {
		RSAKey rsa = Jwts.rsa();
		java.nio.file.Path pem = java.nio.file.Files.createTempFile("rsa", ".pem");
		pem.toFile().deleteOnExit();
		java.nio.file.Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
				+ java.util.Base64.getMimeEncoder().encodeToString(rsa.toRSAPublicKey().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n");
		McpOAuthServerProperties properties = properties();
		properties.setPublicKeyLocation(new org.springframework.core.io.FileSystemResource(pem));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		assertThat(decoder.decode(Jwts.sign(rsa, this.idp.url(), AUDIENCE)).getSubject()).isEqualTo("user");
		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(Jwts.sign(Jwts.ec(), this.idp.url(), AUDIENCE)));
	}

	@Test
	void unknownKidRefreshesTheKeysOnce() {
		RSAKey first = Jwts.rsa();
		RSAKey second = Jwts.rsa();
		AtomicReference<String> keys = new AtomicReference<>(Jwts.jwks(first.toPublicJWK()));
		this.idp.serve("/jwks", keys::get);
		McpOAuthServerProperties properties = properties();
		properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		properties.getJwks().setRefreshCooldown(Duration.ofMillis(1));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		decoder.decode(Jwts.sign(first, this.idp.url(), AUDIENCE));
		keys.set(Jwts.jwks(second.toPublicJWK()));
		decoder.decode(Jwts.sign(second, this.idp.url(), AUDIENCE));
		decoder.decode(Jwts.sign(second, this.idp.url(), AUDIENCE));
		assertThat(this.idp.requestsFor("/jwks")).isEqualTo(2);
	}

	@Test
	void aFloodOfUnknownKidsIsRateLimited() {
		RSAKey known = Jwts.rsa();
		this.idp.serve("/jwks", Jwts.jwks(known.toPublicJWK()));
		McpOAuthServerProperties properties = properties();
		properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		properties.getJwks().setRefreshCooldown(Duration.ofMinutes(1));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		decoder.decode(Jwts.sign(known, this.idp.url(), AUDIENCE));
		RSAKey attacker = Jwts.rsa();
		for (int i = 0; i < 50; i++) {
			RSAKey randomKid = new RSAKey.Builder(attacker).keyID(UUID.randomUUID().toString()).build();
			assertThatExceptionOfType(JwtException.class)
				.isThrownBy(() -> decoder.decode(Jwts.sign(randomKid, this.idp.url(), AUDIENCE)));
		}
		assertThat(this.idp.requestsFor("/jwks")).as("one fetch per cool-down: the first one").isEqualTo(1);
		assertThat(decoder.decode(Jwts.sign(known, this.idp.url(), AUDIENCE)).getSubject()).isEqualTo("user");
	}

	@Test
	void inProcessKeysAreUsedFirstAndTheRemoteSetOnlyForOtherKids() {
		RSAKey local = Jwts.rsa();
		RSAKey remote = Jwts.rsa();
		this.idp.serve("/jwks", Jwts.jwks(remote.toPublicJWK()));
		McpOAuthServerProperties properties = properties();
		properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		JWKSource<SecurityContext> inProcess = new ImmutableJWKSet<>(new JWKSet(local));
		JwtDecoder decoder = AccessTokenDecoders.create(properties, (issuer) -> inProcess);
		decoder.decode(Jwts.sign(local, this.idp.url(), AUDIENCE));
		assertThat(this.idp.requests()).isEmpty();
		decoder.decode(Jwts.sign(remote, this.idp.url(), AUDIENCE));
		assertThat(this.idp.requestsFor("/jwks")).isEqualTo(1);
	}

	@Test
	void hmacSecretVerifiesOnlyHmacTokens() {
		String secret = "0123456789abcdef0123456789abcdef";
		McpOAuthServerProperties properties = properties();
		properties.setHmacSecret(secret);
		properties.setJwsAlgorithms(List.of("HS256"));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		com.nimbusds.jose.jwk.OctetSequenceKey key = new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(
				secret.getBytes()).build();
		assertThat(decoder.decode(Jwts.sign(key, this.idp.url(), AUDIENCE)).getSubject()).isEqualTo("user");
		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(Jwts.sign(Jwts.rsa(), this.idp.url(), AUDIENCE)));
		com.nimbusds.jose.jwk.OctetSequenceKey wrong = new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(
				"another-secret-another-secret-123".getBytes()).build();
		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(Jwts.sign(wrong, this.idp.url(), AUDIENCE)));
	}

	@Test
	void timeClaimsMustBeNumericDatesInRangeButMayBeFractional() throws Exception {
		String secret = "0123456789abcdef0123456789abcdef";
		McpOAuthServerProperties properties = properties();
		properties.setHmacSecret(secret);
		properties.setJwsAlgorithms(List.of("HS256"));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		long now = System.currentTimeMillis() / 1000;
		String claims = "{\"iss\":\"" + this.idp.url() + "\",\"sub\":\"user\",\"exp\":%s,\"nbf\":%s}";
		assertThat(decoder.decode(hs256(secret, claims.formatted((now + 300) + ".5", now - 1))).getSubject())
			.isEqualTo("user");
		for (String[] times : new String[][] { { String.valueOf(now + 300), "9223372036854775807" },
				{ "9223372036854775807", String.valueOf(now) }, { "1e30", String.valueOf(now) },
				{ String.valueOf(now + 300), "-5" } }) {
			assertThatExceptionOfType(JwtException.class).as(String.join(",", times))
				.isThrownBy(() -> decoder.decode(hs256(secret, claims.formatted(times[0], times[1]))));
		}
	}

	private static String hs256(String secret, String claims) throws Exception {
		com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(
				new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
				new com.nimbusds.jose.Payload(claims));
		jws.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes()));
		return jws.serialize();
	}

	@Test
	void algorithmsOutsideTheAllowListAreRefused() {
		ECKey ec = Jwts.ec();
		this.idp.serve("/jwks", Jwts.jwks(ec.toPublicJWK()));
		McpOAuthServerProperties properties = properties();
		properties.setJwkSetUri(URI.create(this.idp.url() + "/jwks"));
		properties.setJwsAlgorithms(List.of("RS256"));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(Jwts.sign(ec, this.idp.url(), AUDIENCE)));
	}

	@Test
	void unreachableKeySourceIsAServiceErrorNotABadToken() {
		McpOAuthServerProperties properties = properties();
		properties.setJwkSetUri(URI.create(this.idp.url() + "/missing"));
		JwtDecoder decoder = AccessTokenDecoders.create(properties);
		assertThatThrownBy(() -> decoder.decode(Jwts.sign(Jwts.rsa(), this.idp.url(), AUDIENCE)))
			.isInstanceOf(JwtException.class)
			.isNotInstanceOf(BadJwtException.class);
	}

}
