package dev.mcpoauth.server.authentication;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * Reads scopes from both the {@code scope} claim (space-separated string, RFC 8693/9068/7662, or a list) and the
 * {@code scp} claim (array or string, as Entra ID and Okta issue it) into {@code SCOPE_} authorities, the same for a
 * JWT's claims and an introspection answer's, so that required and tool scopes read them alike. Spring Security's
 * {@link JwtGrantedAuthoritiesConverter} reads only the first of the two that is present.
 */
public final class ScopeAuthoritiesConverter implements Converter<Jwt, Collection<GrantedAuthority>> {

	/** Prefix of scope authorities. */
	public static final String AUTHORITY_PREFIX = "SCOPE_";

	private static final List<String> SCOPE_CLAIMS = List.of("scope", "scp");

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
		return authorities(jwt.getClaims());
	}

	/**
	 * The scope authorities of a set of claims: each scope of {@code scope} and {@code scp}, whether a
	 * space-separated string or a list of strings; anything else in them is ignored.
	 * @param claims the claims of a token or an introspection answer
	 * @return the authorities, in claim order, without duplicates
	 */
	public static Collection<GrantedAuthority> authorities(Map<String, Object> claims) {
		Set<GrantedAuthority> authorities = new LinkedHashSet<>();
		for (String claim : SCOPE_CLAIMS) {
			Object value = claims.get(claim);
			if (value instanceof String scopes) {
				for (String scope : scopes.split(" ")) {
					add(authorities, scope);
				}
			}
			else if (value instanceof Collection<?> scopes) {
				for (Object scope : scopes) {
					if (scope instanceof String name) {
						add(authorities, name);
					}
				}
			}
		}
		return authorities;
	}

	private static void add(Set<GrantedAuthority> authorities, String scope) {
		if (!scope.isEmpty()) {
			authorities.add(new SimpleGrantedAuthority(AUTHORITY_PREFIX + scope));
		}
	}

}
