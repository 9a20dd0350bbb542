package dev.edgelens.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real GStreamer RTSP server (src/test/resources/rtsp/rtsp_server.py, run by /usr/bin/python3) on 127.0.0.1,
 * which tests kill, freeze and restart.
 */
public final class RtspServer implements AutoCloseable {
    private final List<String> args;
    private final int port;
    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();

    private RtspServer(List<String> args, int port) {
        this.args = args;
        this.port = port;
    }

    /** Serves an H.264 file in a loop at /stream. */
    public static RtspServer h264(Path file, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("--h264", file.toString())); // mutable: see restartWith
        a.addAll(List.of(extra));
        return start(a);
    }

    /** Serves a stream without video at /stream. */
    static RtspServer audioOnly() throws IOException {
        return start(List.of("--audio-only"));
    }

    private static RtspServer start(List<String> args) throws IOException {
        RtspServer s = new RtspServer(args, freePort());
        s.launch();
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            throw new IOException("/usr/bin/python3 is missing (the RTSP test server needs it with python3-gi)");
        }
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script().toString(), "--port",
                Integer.toString(port)));
        cmd.addAll(args);
        lines.clear();
        Process p = new ProcessBuilder(cmd).start();
        process = p;
        Thread out = new Thread(() -> pump(p.getInputStream(), true), "rtsp-server-out");
        Thread err = new Thread(() -> pump(p.getErrorStream(), false), "rtsp-server-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
        String ready = await("READY", 30_000);
        if (ready == null) {
            p.destroyForcibly();
            throw new IOException("RTSP test server did not start on port " + port + " (needs python3-gi,"
                    + " gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-base/-good/-bad): " + stderr());
        }
    }

    private void pump(java.io.InputStream in, boolean toQueue) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (toQueue) {
                    lines.add(line);
                } else {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException ignored) {
            // the process died; its exit is what the test looks at
        }
    }

    private String await(String prefix, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive()) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    private static Path extractedScript;

    private static synchronized Path script() throws IOException {
        java.net.URL url = RtspServer.class.getResource("/rtsp/rtsp_server.py");
        if (url == null) {
            throw new IOException("rtsp/rtsp_server.py is not on the test classpath");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("rtsp/rtsp_server.py: " + url, e);
            }
        }
        // Inside this module's test-jar (other modules' tests use the server): copied out once per JVM.
        if (extractedScript == null) {
            Path f = Files.createTempFile("edgelens-rtsp-server", ".py");
            f.toFile().deleteOnExit();
            try (java.io.InputStream in = url.openStream()) {
                Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            extractedScript = f;
        }
        return extractedScript;
    }

    public String url() {
        return "rtsp://127.0.0.1:" + port + "/stream";
    }

    String url(String userInfo, String path) {
        return "rtsp://" + userInfo + "@127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Sends a command (kick, pause, resume) and waits for the server's acknowledgement. */
    void command(String cmd) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        if (await("OK " + cmd, 10_000) == null) {
            throw new IOException("RTSP test server did not acknowledge '" + cmd + "': " + stderr());
        }
    }

    /** SIGKILL, and wait until it is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it again on the same port (after {@link #kill9}). */
    void restart() throws IOException {
        launch();
    }

    /** Starts it again on the same port serving another H.264 file (after {@link #kill9}). */
    void restartWith(Path h264) throws IOException {
        int i = args.indexOf("--h264");
        args.set(i + 1, h264.toString());
        launch();
    }

    void signal(String signal) throws IOException, InterruptedException {
        // The shell's kill builtin: minimal images may lack /bin/kill (procps), never /bin/sh.
        Process k = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + process.pid()).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            signal("CONT"); // a frozen process would not die of SIGTERM
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
