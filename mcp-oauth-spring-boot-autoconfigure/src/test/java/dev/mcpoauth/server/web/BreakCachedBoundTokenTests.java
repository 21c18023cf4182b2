package dev.mcpoauth.server.web;

import java.net.http.HttpResponse;

import dev.mcpoauth.DPoPClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break attempt (held): with the validated-token cache on and observations on (Actuator on the class path), a
 * DPoP-bound token accepted on the DPoP path is then a cache hit when presented as a bearer token; the cnf check
 * must still refuse it, every time.
 */
class BreakCachedBoundTokenTests {

	@Test
	void aBoundTokenCachedByItsDPoPUseIsStillRefusedAsABearerToken() {
		try (DPoPServer server = DPoPServer.start("mcp.oauth.server.token-cache.enabled=true")) {
			DPoPClient client = new DPoPClient();
			String token = server.token(client, "mcp:tools");
			HttpResponse<String> asDPoP = server.dpop(token, client.proof("POST", server.mcp(), token));
			assertThat(asDPoP.statusCode()).isEqualTo(200);
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> asBearer = server.post(server.mcp(), "{}", "Authorization", "Bearer " + token);
				assertThat(asBearer.statusCode()).isEqualTo(401);
				assertThat(asBearer.body()).doesNotContain("ok:");
			}
			HttpResponse<String> again = server.dpop(token, client.proof("POST", server.mcp(), token));
			assertThat(again.statusCode()).isEqualTo(200);
		}
	}

}
