package dev.mcpoauth.server.web;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends a request exactly as written over a socket and reads the answer (status line, headers, body). */
final class RawHttp {

	private RawHttp() {
	}

	static String send(int port, byte[] request) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			try {
				for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
					answer.write(buffer, 0, n);
					if (answer.size() > 200_000) {
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				// keep-alive: what has arrived is the answer
			}
			return answer.toString(StandardCharsets.ISO_8859_1);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String send(int port, String head, byte[] body) {
		byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
		byte[] all = new byte[h.length + body.length];
		System.arraycopy(h, 0, all, 0, h.length);
		System.arraycopy(body, 0, all, h.length, body.length);
		return send(port, all);
	}

	static int status(String answer) {
		return Integer.parseInt(answer.substring(9, 12));
	}

}
