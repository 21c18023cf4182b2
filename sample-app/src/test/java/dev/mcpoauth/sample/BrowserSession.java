package dev.mcpoauth.sample;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's session over plain HTTP (cookies kept, redirects not followed), for the web authorization code flow's
 * tests that must alter what a browser would carry: signs the demo user in at the sample's login page and approves
 * at the embedded authorization server's consent page.
 */
final class BrowserSession {

	private static final Pattern HIDDEN = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>");

	private static final Pattern SCOPE = Pattern.compile("<input[^>]*name=\"scope\"[^>]*>");

	private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");

	private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");

	private final HttpClient http = HttpClient.newBuilder()
		.cookieHandler(new CookieManager())
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String base;

	BrowserSession(String base) {
		this.base = base;
	}

	HttpResponse<String> get(String url) {
		return send(HttpRequest.newBuilder(URI.create(url.startsWith("/") ? this.base + url : url)).GET());
	}

	HttpResponse<String> post(String url, Map<String, String> form, String... scopes) {
		String body = form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		for (String scope : scopes) {
			body += "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
		}
		return send(HttpRequest.newBuilder(URI.create(url.startsWith("/") ? this.base + url : url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/**
	 * Sign a user in at the login page.
	 * @param user the user name (password {@code demo-password})
	 */
	void signIn(String user) {
		Map<String, String> form = hiddenInputs(get("/login").body());
		form.put("username", user);
		form.put("password", "demo-password");
		HttpResponse<String> response = post("/login", form);
		if (response.statusCode() != 302 || location(response).contains("error")) {
			throw new IllegalStateException("Sign-in failed: " + response.statusCode() + " " + location(response));
		}
	}

	/**
	 * From a redirect to the authorization endpoint, to the authorization server's redirect back to the client:
	 * approves at the consent page when one is shown.
	 * @param authorizationRequest the authorization request URL
	 * @return the URL the authorization server sent the browser back to
	 */
	String approve(String authorizationRequest) {
		HttpResponse<String> response = get(authorizationRequest);
		if (response.statusCode() == 200) {
			Map<String, String> form = hiddenInputs(response.body());
			Matcher scope = SCOPE.matcher(response.body());
			java.util.List<String> scopes = new java.util.ArrayList<>();
			while (scope.find()) {
				Matcher value = VALUE.matcher(scope.group());
				if (value.find()) {
					scopes.add(value.group(1));
				}
			}
			response = post("/oauth2/authorize", form, scopes.toArray(String[]::new));
		}
		if (response.statusCode() != 302) {
			throw new IllegalStateException("The authorization server answered " + response.statusCode());
		}
		return location(response);
	}

	static String location(HttpResponse<?> response) {
		return response.headers().firstValue("Location").orElse("");
	}

	private static Map<String, String> hiddenInputs(String html) {
		Map<String, String> inputs = new LinkedHashMap<>();
		Matcher hidden = HIDDEN.matcher(html);
		while (hidden.find()) {
			Matcher name = NAME.matcher(hidden.group());
			Matcher value = VALUE.matcher(hidden.group());
			if (name.find()) {
				inputs.put(name.group(1), value.find() ? value.group(1).replace("&amp;", "&") : "");
			}
		}
		return inputs;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
