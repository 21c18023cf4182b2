package dev.mcpoauth.server.challenge;

import java.util.ArrayList;
import java.util.List;

/**
 * The authentication schemes the MCP endpoint accepts, {@code Bearer} (RFC 6750), {@code DPoP} (RFC 9449) or both,
 * and so the challenges its refusals carry. A 401 names every accepted scheme, one {@code WWW-Authenticate} value
 * each (RFC 9449 section 7.1); the one carrying the {@code error} comes first and is of the scheme the request
 * used, unless that scheme is not accepted (then of the first accepted one). A 403 answers in the scheme the request
 * used. {@code DPoP} challenges name the accepted proof algorithms in {@code algs}. Every challenge carries
 * {@code resource_metadata} and the scopes.
 */
public final class ChallengeSchemes {

	/** The {@code Bearer} scheme. */
	public static final String BEARER = "Bearer";

	/** The {@code DPoP} scheme. */
	public static final String DPOP = "DPoP";

	private static final ChallengeSchemes BEARER_ONLY = new ChallengeSchemes(true, List.of());

	private final boolean bearer;

	/** Empty when DPoP is not accepted. */
	private final List<String> dpopAlgorithms;

	private ChallengeSchemes(boolean bearer, List<String> dpopAlgorithms) {
		this.bearer = bearer;
		this.dpopAlgorithms = List.copyOf(dpopAlgorithms);
	}

	/**
	 * @return only {@code Bearer} is accepted
	 */
	public static ChallengeSchemes bearerOnly() {
		return BEARER_ONLY;
	}

	/**
	 * @param bearerAccepted whether {@code Bearer} is accepted besides {@code DPoP}
	 * @param dpopAlgorithms the JWS algorithms accepted for DPoP proofs, at least one
	 * @return {@code DPoP}, and {@code Bearer} when accepted
	 */
	public static ChallengeSchemes withDPoP(boolean bearerAccepted, List<String> dpopAlgorithms) {
		if (dpopAlgorithms.isEmpty()) {
			throw new IllegalArgumentException("DPoP needs at least one proof algorithm");
		}
		return new ChallengeSchemes(bearerAccepted, dpopAlgorithms);
	}

	/**
	 * The {@code WWW-Authenticate} values of a 401.
	 * @param authorization the request's {@code Authorization} header, or {@code null}
	 * @param error the OAuth error code, or {@code null} when the request carried no credentials
	 * @param description the error description, or {@code null}
	 * @param metadataUrl the {@code resource_metadata} URL
	 * @param scopes the scopes every request needs
	 * @return one value per accepted scheme, the one with the error first
	 */
	List<String> unauthorized(String authorization, String error, String description, String metadataUrl,
			List<String> scopes) {
		List<String> challenges = new ArrayList<>();
		String errorScheme = (error != null) ? answeredIn(authorization) : null;
		if (errorScheme != null) {
			challenges.add(header(errorScheme, error, description).param("resource_metadata", metadataUrl)
				.scope(scopes)
				.toString());
		}
		for (String scheme : accepted()) {
			if (!scheme.equals(errorScheme)) {
				challenges.add(header(scheme, null, null).param("resource_metadata", metadataUrl)
					.scope(scopes)
					.toString());
			}
		}
		return challenges;
	}

	/**
	 * The {@code WWW-Authenticate} value of a 403 {@code insufficient_scope}.
	 * @param authorization the request's {@code Authorization} header
	 * @param scopes every scope the request needs
	 * @param metadataUrl the {@code resource_metadata} URL
	 * @return the challenge in the scheme the request used
	 */
	String forbidden(String authorization, List<String> scopes, String metadataUrl) {
		return header(answeredIn(authorization), "insufficient_scope",
				"The access token lacks a scope this request needs")
			.scope(scopes)
			.param("resource_metadata", metadataUrl)
			.toString();
	}

	private BearerChallengeHeader header(String scheme, String error, String description) {
		BearerChallengeHeader header = new BearerChallengeHeader(scheme).param("error", error)
			.param("error_description", description);
		return DPOP.equals(scheme) ? header.param("algs", String.join(" ", this.dpopAlgorithms)) : header;
	}

	private List<String> accepted() {
		List<String> schemes = new ArrayList<>(2);
		if (this.bearer) {
			schemes.add(BEARER);
		}
		if (!this.dpopAlgorithms.isEmpty()) {
			schemes.add(DPOP);
		}
		return schemes;
	}

	/** DPoP when the request used it and it is accepted, or when Bearer is not accepted; else Bearer. */
	private String answeredIn(String authorization) {
		if (this.dpopAlgorithms.isEmpty()) {
			return BEARER;
		}
		boolean usedDPoP = authorization != null && authorization.regionMatches(true, 0, DPOP + " ", 0,
				DPOP.length() + 1);
		return (usedDPoP || !this.bearer) ? DPOP : BEARER;
	}

}
