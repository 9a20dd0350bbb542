package dev.edgelens.edge.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the IoT Edge workload API on a unix socket: a tiny HTTP/1.1 responder for the two
 * calls a module's SDK makes, {@code POST /modules/{m}/genid/{g}/sign} (HMAC-SHA256 of the given
 * data under the module's key, as the security daemon does) and {@code GET /trust-bundle} (the CA
 * that signed edgeHub's server certificate). One request per connection, then it closes, which is
 * how the SDK reads the end of the response.
 */
public final class WorkloadApiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocketChannel server;
    private final Path socket;
    private final String moduleId;
    private final String generationId;
    private final byte[] moduleKey;
    private final String trustBundlePem;
    private final Thread thread;
    public final AtomicInteger signRequests = new AtomicInteger();
    public final AtomicInteger trustBundleRequests = new AtomicInteger();

    public WorkloadApiServer(Path socket, String moduleId, String generationId, String base64Key, String trustBundlePem)
            throws IOException {
        this.socket = socket;
        this.moduleId = moduleId;
        this.generationId = generationId;
        this.moduleKey = Base64.getDecoder().decode(base64Key);
        this.trustBundlePem = trustBundlePem;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(this::serve, "test-workload-api");
        thread.setDaemon(true);
        thread.start();
    }

    public String uri() {
        return "unix://" + socket.toAbsolutePath();
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                handle(ch);
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    private void handle(SocketChannel ch) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int headerEnd = -1;
        int contentLength = 0;
        while (true) {
            buf.clear();
            if (ch.read(buf) < 0) {
                break;
            }
            in.write(buf.array(), 0, buf.position());
            String text = in.toString(StandardCharsets.ISO_8859_1);
            if (headerEnd < 0 && (headerEnd = text.indexOf("\r\n\r\n")) >= 0) {
                for (String line : text.substring(0, headerEnd).split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                }
            }
            if (headerEnd >= 0 && in.size() >= headerEnd + 4 + contentLength) {
                break;
            }
        }
        String text = in.toString(StandardCharsets.ISO_8859_1);
        String requestLine = text.substring(0, text.indexOf("\r\n"));
        String body = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
        String[] parts = requestLine.split(" ");
        String path = parts[1].split("\\?")[0];
        int status;
        String response;
        if (parts[0].equals("GET") && path.equals("/trust-bundle")) {
            trustBundleRequests.incrementAndGet();
            status = 200;
            response = JSON.createObjectNode().put("certificate", trustBundlePem).toString();
        } else if (parts[0].equals("POST") && path.equals("/modules/" + moduleId + "/genid/" + generationId + "/sign")) {
            signRequests.incrementAndGet();
            JsonNode req = JSON.readTree(body);
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(moduleKey, "HmacSHA256"));
                byte[] digest = mac.doFinal(Base64.getDecoder().decode(req.get("data").asText()));
                status = 200;
                response = JSON.createObjectNode().put("digest", Base64.getEncoder().encodeToString(digest)).toString();
            } catch (Exception e) {
                status = 500;
                response = JSON.createObjectNode().put("message", e.toString()).toString();
            }
        } else {
            status = 404;
            response = JSON.createObjectNode().put("message", "no such resource " + path).toString();
        }
        byte[] payload = response.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\nConnection: close\r\n\r\n";
        ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        ch.write(ByteBuffer.wrap(payload));
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
