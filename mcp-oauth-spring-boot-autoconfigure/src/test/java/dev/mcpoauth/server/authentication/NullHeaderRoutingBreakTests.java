package dev.mcpoauth.server.authentication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pre-existing (also on main, not from e3aa332): with a decoder and an introspector, the routing of a token reads
 * it with JWTParser, which throws a NullPointerException, not a ParseException, for a header that is the JSON
 * literal null. Such a string is not a signed JWT.
 */
class NullHeaderRoutingBreakTests {

	@Test
	void aTokenWithANullHeaderIsNotASignedJwt() {
		assertThat(AccessTokenAuthenticator.isSignedJwt("bnVsbA.e30.c2ln")).isFalse();
	}

}
