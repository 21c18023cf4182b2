package dev.mcpoauth.client.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.mcpoauth.client.McpOAuthClientException;

/**
 * Reads each registration's platform-issued JWT from its {@code workload-identity.token-file}, again for every token
 * request (a Kubernetes projected token is rotated in place), after checking each time that the path names a
 * regular file (a FIFO put in its place would block the token request forever). At most {@link #MAX_SIZE} bytes are read; the content
 * never appears in a message.
 */
public final class FileWorkloadIdentityTokenSource implements WorkloadIdentityTokenSource {

	/** The largest token file read. */
	static final int MAX_SIZE = 64 * 1024;

	private final Map<String, Path> files;

	/**
	 * @param files the token file of each workload-identity registration, by registration name
	 */
	public FileWorkloadIdentityTokenSource(Map<String, Path> files) {
		this.files = Map.copyOf(files);
	}

	@Override
	public String workloadToken(String registration) {
		Path file = this.files.get(registration);
		if (file == null) {
			throw new McpOAuthClientException(registration, "workload_token_unavailable",
					"No workload-identity.token-file is set for this registration", 0);
		}
		if (!Files.isRegularFile(file)) {
			// checked before each open: a FIFO or device put in its place would block the read (and the token
			// slot's lock) forever
			throw new McpOAuthClientException(registration, "workload_token_unavailable",
					"The workload identity token file " + file + " is not a regular file", 0);
		}
		byte[] content;
		try (InputStream in = Files.newInputStream(file)) {
			content = in.readNBytes(MAX_SIZE + 1);
		}
		catch (IOException ex) {
			throw new McpOAuthClientException(registration, "workload_token_unavailable",
					"The workload identity token file " + file + " cannot be read (" + ex.getClass().getSimpleName()
							+ ")",
					0);
		}
		if (content.length > MAX_SIZE) {
			throw new McpOAuthClientException(registration, "workload_token_unavailable",
					"The workload identity token file " + file + " is larger than " + MAX_SIZE + " bytes", 0);
		}
		return new String(content, StandardCharsets.UTF_8).trim();
	}

	@Override
	public String toString() {
		return "FileWorkloadIdentityTokenSource" + this.files.keySet();
	}

}
