package dev.edgelens.capture;

import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.SourceState;
import dev.edgelens.ring.SourceStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A capture loop on a thread of the test JVM, writing a ring in a temporary folder, plus a reader of that ring. */
final class InProcessCapture implements AutoCloseable {
    final CaptureSettings settings;
    final RingSink sink;
    final CaptureLoop loop;
    final FrameRingReader reader;
    final Frame frame = new Frame();
    private final Thread thread;
    private volatile CaptureLoop.Outcome outcome;
    private final List<SourceStatus> statuses = new ArrayList<>();

    /** Short timeouts so that failures and recoveries happen within seconds. */
    static Map<String, String> fastSettings(Path dir, String source) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("camera-id", "test");
        m.put("source", source);
        m.put("ring", dir.resolve("test.ring").toString());
        m.put("io-timeout", "1s");
        m.put("stall-timeout", "2s");
        m.put("reconnect-initial-delay", "100ms");
        m.put("reconnect-max-delay", "400ms");
        return m;
    }

    InProcessCapture(Map<String, String> options) throws Exception {
        settings = CaptureSettings.fromMap(options);
        Files.createDirectories(settings.ringPath().getParent());
        sink = new RingSink(settings.ringPath(), settings.ringSlots(), settings.cameraId(), settings.pixelFormat(),
                settings.outputWidth(), settings.outputHeight());
        loop = new CaptureLoop(settings, sink);
        thread = new Thread(() -> outcome = loop.run(), "test-capture-loop");
        thread.setDaemon(true);
        thread.start();
        reader = FrameRingReader.open(settings.ringPath(), Duration.ofSeconds(5));
    }

    /** Waits for a frame newer than the last one read; false on timeout. */
    boolean awaitFrame(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (reader.readLatest(frame)) {
                return true;
            }
            recordStatus();
            Thread.sleep(5);
        }
        return false;
    }

    /** Waits until the ring reports a source status matching {@code p}; returns it, or null on timeout. */
    SourceStatus awaitStatus(Predicate<SourceStatus> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            SourceStatus s = reader.sourceStatus();
            record(s);
            if (p.test(s)) {
                return s;
            }
            reader.readLatest(frame); // keeps the reader following a re-created ring
            Thread.sleep(5);
        }
        return null;
    }

    SourceStatus awaitState(SourceState state, Duration timeout) throws InterruptedException {
        return awaitStatus(s -> s.state() == state, timeout);
    }

    private void recordStatus() {
        record(reader.sourceStatus());
    }

    private synchronized void record(SourceStatus s) {
        if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(s)) {
            statuses.add(s);
        }
    }

    /** Every distinct status the reader saw, in order. */
    synchronized List<SourceStatus> statuses() {
        return List.copyOf(statuses);
    }

    /** Waits for the loop to end by itself; null on timeout. */
    CaptureLoop.Outcome awaitOutcome(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return outcome;
    }

    @Override
    public void close() throws Exception {
        loop.stop();
        loop.awaitFinished(Duration.ofSeconds(10));
        sink.close();
        reader.close();
    }
}
