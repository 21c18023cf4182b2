package dev.mcpoauth.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The requests that may carry a registration's token: those whose origin (scheme, host, port; a missing port is
 * the scheme's default) is the {@code server-url}'s, and whose path is the {@code server-url}'s path or lies below
 * it, compared segment by segment after percent-decoding both. {@code https://h/mcp} covers {@code /mcp},
 * {@code /mcp/} and {@code /mcp/x}, not {@code /mcpx}, {@code /mcp;x} nor {@code /other}. A request whose URL cannot
 * be read without guessing is not covered: user info, a {@code .} or {@code ..} segment (also percent-encoded), an
 * encoded {@code /} or {@code \}, a control character, or escapes that are not UTF-8. Every transport
 * asks this one class, and sends what it does not cover untouched.
 */
public final class ServerUrlScope {

	private final String scheme;

	private final String host;

	private final int port;

	private final List<String> segments;

	/**
	 * @param serverUrl the registration's {@code server-url}
	 * @throws IllegalArgumentException when it is not an absolute http(s) URL with a host and a readable path
	 */
	public ServerUrlScope(URI serverUrl) {
		this(serverUrl, false);
	}

	/**
	 * The scope of an MCP server whose transport sends messages to a path of the server's choosing, outside the
	 * {@code server-url}'s (the SSE transport's message endpoint): the {@code server-url}'s origin, any readable
	 * path on it.
	 * @param serverUrl the registration's {@code server-url}
	 * @return the scope
	 * @throws IllegalArgumentException as {@link #ServerUrlScope(URI)}
	 */
	public static ServerUrlScope originOf(URI serverUrl) {
		return new ServerUrlScope(serverUrl, true);
	}

	private ServerUrlScope(URI serverUrl, boolean wholeOrigin) {
		String scheme = scheme(serverUrl);
		List<String> segments = (scheme != null && serverUrl.getRawUserInfo() == null)
				? segments(serverUrl.getRawPath()) : null;
		if (segments == null || serverUrl.getHost() == null) {
			throw new IllegalArgumentException("Not an absolute http(s) URL with a host, without user info, whose path "
					+ "has no '.' or '..' segment, encoded '/' or '\\', or escape that is not UTF-8");
		}
		this.scheme = scheme;
		this.host = serverUrl.getHost().toLowerCase(Locale.ROOT);
		this.port = port(scheme, serverUrl.getPort());
		this.segments = wholeOrigin ? List.of() : segments;
	}

	/**
	 * @param request the URL a request goes to
	 * @return whether the registration's token may be attached to it, and its challenges acted on
	 */
	public boolean covers(URI request) {
		String scheme = scheme(request);
		if (scheme == null || request.getRawUserInfo() != null || !scheme.equals(this.scheme)
				|| !this.host.equalsIgnoreCase(request.getHost()) || port(scheme, request.getPort()) != this.port) {
			return false;
		}
		List<String> path = segments(request.getRawPath());
		return path != null && path.size() >= this.segments.size()
				&& path.subList(0, this.segments.size()).equals(this.segments);
	}

	private static String scheme(URI uri) {
		if (uri == null || !uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
			return null;
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		return ("http".equals(scheme) || "https".equals(scheme)) ? scheme : null;
	}

	private static int port(String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return "https".equals(scheme) ? 443 : 80;
	}

	/** The decoded segments of a raw path without a trailing empty one, or {@code null} when unreadable. */
	private static List<String> segments(String rawPath) {
		List<String> segments = new ArrayList<>();
		if (rawPath == null || rawPath.isEmpty()) {
			return segments;
		}
		if (rawPath.charAt(0) != '/') {
			return null;
		}
		for (String raw : rawPath.substring(1).split("/", -1)) {
			String segment = decode(raw);
			if (segment == null || segment.equals(".") || segment.equals("..") || segment.indexOf('/') >= 0
					|| segment.indexOf('\\') >= 0 || segment.chars().anyMatch(Character::isISOControl)) {
				return null;
			}
			segments.add(segment);
		}
		if (segments.get(segments.size() - 1).isEmpty()) {
			segments.remove(segments.size() - 1);
		}
		return segments;
	}

	/** Percent-decodes ({@link URI} has checked the escapes) strictly as UTF-8: {@code null} for other bytes. */
	private static String decode(String raw) {
		if (raw.indexOf('%') < 0) {
			return raw;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '%') {
				bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
				continue;
			}
			bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
			i += 2;
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

}
