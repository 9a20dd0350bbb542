package dev.edgelens.bench.shm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One process of a measured pair (a writer or a reader): started with its output piped to the harness, which
 * stamps every progress line on arrival ({@link ChildProtocol}) and keeps the last other lines for error
 * messages. CPU time comes from {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration()}.
 */
final class MeasuredProcess implements AutoCloseable {
    private static final int TAIL_LINES = 25;

    private final String name;
    private final Process process;
    private final Pattern progress;
    private final boolean gstreamer;
    private final List<ChildProtocol.Sample> samples = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread pump;

    private MeasuredProcess(String name, Process process, Pattern progress, boolean gstreamer) {
        this.name = name;
        this.process = process;
        this.progress = progress;
        this.gstreamer = gstreamer;
        this.pump = new Thread(this::pumpOutput, "output " + name);
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Starts {@code command}; {@code progress} (may be null) recognises its progress lines. GStreamer processes are
     * stopped with SIGINT so that shmsink unlinks its shared memory area; JVM children stop when stdin closes.
     */
    static MeasuredProcess start(String name, List<String> command, Pattern progress, boolean gstreamer)
            throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new MeasuredProcess(name, p, progress, gstreamer);
        } catch (IOException e) {
            if (gstreamer) {
                throw new IOException(name + ": cannot start " + command.get(0) + " (" + e.getMessage()
                        + "); install the Debian packages " + ShmComparison.GSTREAMER_PACKAGES
                        + " (scripts/test.sh does)", e);
            }
            throw new IOException(name + ": cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** User + system CPU time the process has used so far. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
                name + " (pid " + process.pid() + "): its CPU time is not readable from /proc"));
    }

    /** A copy of the progress samples received so far, oldest first. */
    List<ChildProtocol.Sample> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** Waits until the process has reported progress at least once; fails naming it if it died or stayed silent. */
    void awaitFirstSample(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (samples) {
                if (!samples.isEmpty()) {
                    return;
                }
            }
            if (!process.isAlive()) {
                throw failure("exited with status " + process.exitValue() + " before reporting any frame");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw failure("reported no frame within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /** An error naming this process and quoting the end of its output. */
    IOException failure(String what) {
        return new IOException(name + " (pid " + process.pid() + ") " + what + "; its last output:\n" + tail());
    }

    String tail() {
        synchronized (tail) {
            return tail.isEmpty() ? "  (none)" : "  " + String.join("\n  ", tail);
        }
    }

    private void pumpOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                ChildProtocol.Sample s = progress == null ? null : ChildProtocol.parse(progress, line, now);
                if (s != null) {
                    synchronized (samples) {
                        samples.add(s);
                    }
                } else {
                    synchronized (tail) {
                        if (tail.size() == TAIL_LINES) {
                            tail.removeFirst();
                        }
                        tail.addLast(line);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is kept
        }
    }

    /** Stops the process (see {@link #start}), forcibly if it has not exited within 10 s. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                if (gstreamer) {
                    // The shell's built-in kill: /bin/sh is everywhere, procps' kill binary is not (slim images).
                    new ProcessBuilder("sh", "-c", "kill -INT " + process.pid())
                            .redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
                } else {
                    process.getOutputStream().close();
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            pump.join(2000);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
