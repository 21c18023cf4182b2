package dev.mcpoauth.server.authentication;

import java.util.Optional;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;

/**
 * The caller of a reactive request, for the MCP chain's web filters that act on it after authorization.
 */
public final class ReactiveAuthentications {

	private ReactiveAuthentications() {
	}

	/**
	 * Act with the request's authentication.
	 * @param action what to do, given the authentication, or {@code null} when the request has none
	 * @return the action's completion
	 */
	public static Mono<Void> withAuthentication(Function<Authentication, Mono<Void>> action) {
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((authentication) -> action.apply(authentication.orElse(null)));
	}

}
