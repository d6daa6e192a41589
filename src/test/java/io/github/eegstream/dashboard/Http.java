package io.github.eegstream.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A bare HTTP/1.1 GET over a socket: the test must send Host and Origin headers that Java's
 * HttpClient refuses to set, as a rebinding page or a script would.
 */
final class Http {

    private Http() {}

    /** The response's status, head and (start of the) body. */
    record Response(int status, String head, String body) {
        String header(String name) {
            return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"))
                    .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse(null);
        }
    }

    /** GET {@code path} on 127.0.0.1:{@code port} with {@code headers} (name, value, name, value...). */
    static Response get(int port, String path, String... headers) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            StringBuilder text = new StringBuilder();
            try {
                // An event stream never ends: its head and first bytes are enough.
                for (int n; text.length() < 8000 && (n = in.read(buffer)) > 0; ) {
                    text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (text.indexOf("\r\n\r\n") >= 0 && text.toString().toLowerCase(Locale.ROOT).contains("text/event-stream")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came is enough
            }
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text.toString() : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            return new Response(Integer.parseInt(head.split(" ")[1]), head, body);
        }
    }
}
