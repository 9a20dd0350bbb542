package dev.edgelens.inference.engine;

import dev.edgelens.inference.event.SourceInfo;
import dev.edgelens.inference.model.LoadedModel;
import dev.edgelens.inference.policy.Result;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.SourceStatus;
import dev.edgelens.ring.WriterStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One camera as the inference loop sees it: its ring reader (opened when the ring appears), the
 * preprocessor for the current model and this camera's frame geometry, and reusable result
 * holders.
 */
final class CameraChannel implements AutoCloseable {

    private static final long REOPEN_MILLIS = 1000;

    final String id;
    final Path ring;
    final Result result = new Result();
    FrameRingReader reader;
    long nextOpenAttempt;
    volatile String openError;
    FramePreprocessor pre;
    LoadedModel preModel;
    // Volatile: written by the loop, read by status() from other threads.
    volatile WriterStatus lastWriter;
    volatile SourceStatus lastSource;
    /** skipped() as of the last once-a-second sample, for other threads. */
    private volatile long skippedSeen;
    /** Frames consumed but not classified: no model yet, or torn while preprocessing. */
    long notRun;

    CameraChannel(String id, Path ring) {
        this.id = id;
        this.ring = ring;
        result.cameraId = id;
    }

    /** Tries to open the ring (at most once a second); false while it does not exist. */
    boolean ensureOpen(long nowMillis) {
        if (reader != null) {
            return true;
        }
        if (nowMillis < nextOpenAttempt) {
            return false;
        }
        nextOpenAttempt = nowMillis + REOPEN_MILLIS;
        try {
            reader = FrameRingReader.open(ring, Duration.ZERO);
            openError = null;
            return true;
        } catch (IOException e) {
            openError = e.getMessage();
            return false;
        }
    }

    /** The preprocessor for {@code model}, created on the first frame after a model switch. */
    FramePreprocessor preprocessorFor(LoadedModel model) {
        if (preModel != model) {
            pre = new FramePreprocessor(model.spec());
            preModel = model;
        }
        return pre;
    }

    /** The state to report when the ring cannot be opened. */
    SourceInfo absentInfo() {
        return new SourceInfo("no-ring", openError == null ? "" : openError, "absent", null);
    }

    static SourceInfo info(WriterStatus writer, SourceStatus source) {
        return new SourceInfo(source.state().name().toLowerCase(Locale.ROOT), source.detail(),
                writer.name().toLowerCase(Locale.ROOT),
                source.sinceEpochMillis() > 0 ? Instant.ofEpochMilli(source.sinceEpochMillis()).toString() : null);
    }

    /** Loop only: makes the current skipped count visible to status(). */
    void publishSkipped() {
        skippedSeen = skipped();
    }

    /** The camera's last seen state (any thread). */
    CameraStatus status() {
        WriterStatus w = lastWriter;
        SourceStatus s = lastSource;
        if (w == null || s == null) {
            String err = openError;
            return new CameraStatus(id, s == null ? "unknown" : "no-ring", err == null ? "" : err,
                    s == null ? "unknown" : "absent", 0, skippedSeen);
        }
        return new CameraStatus(id, s.state().name().toLowerCase(Locale.ROOT), s.detail(),
                w.name().toLowerCase(Locale.ROOT), s.sinceEpochMillis(), skippedSeen);
    }

    long skipped() {
        return (reader != null ? reader.missedFrames() : 0) + notRun;
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

}
