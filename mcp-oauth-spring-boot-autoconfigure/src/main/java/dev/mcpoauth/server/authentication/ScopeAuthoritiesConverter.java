package dev.mcpoauth.server.authentication;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * Reads scopes from both the {@code scope} claim (space-separated string, RFC 8693/9068) and the {@code scp} claim
 * (array or string, as Entra ID and Okta issue it) into {@code SCOPE_} authorities. Spring Security's
 * {@link JwtGrantedAuthoritiesConverter} reads only the first of the two that is present.
 */
public final class ScopeAuthoritiesConverter implements Converter<Jwt, Collection<GrantedAuthority>> {

	/** Prefix of scope authorities. */
	public static final String AUTHORITY_PREFIX = "SCOPE_";

	private final JwtGrantedAuthoritiesConverter scope = claim("scope");

	private final JwtGrantedAuthoritiesConverter scp = claim("scp");

	/**
	 * A {@link JwtAuthenticationConverter} that uses this converter.
	 * @return the authentication converter
	 */
	public static JwtAuthenticationConverter authenticationConverter() {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(new ScopeAuthoritiesConverter());
		return converter;
	}

	@Override
	public Collection<GrantedAuthority> convert(Jwt jwt) {
		Set<GrantedAuthority> authorities = new LinkedHashSet<>(this.scope.convert(jwt));
		authorities.addAll(this.scp.convert(jwt));
		return authorities;
	}

	private static JwtGrantedAuthoritiesConverter claim(String name) {
		JwtGrantedAuthoritiesConverter converter = new JwtGrantedAuthoritiesConverter();
		converter.setAuthoritiesClaimName(name);
		converter.setAuthorityPrefix(AUTHORITY_PREFIX);
		return converter;
	}

}
