package dev.edgelens.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.FrameView;
import dev.edgelens.ring.SourceState;

/**
 * A reader of one camera's ring, beside the inference process, that counts frames lost at capture: each published
 * frame carries its source frame index ({@link IndexedVideo}); between two frames it saw, the ring's sequence
 * advanced by {@code ds} and the source index by {@code di} (modulo the file length), so {@code di - ds} source
 * frames never reached the ring. Frames this reader itself did not see (it polls every 2 ms, reading a few bytes)
 * do not matter: the next frame it sees covers them.
 */
final class RingWatcher {
    private final FrameRingReader reader;
    private long firstSequence = -1;
    private volatile long lastSequence = -1;
    private int lastIndex = -1;
    private volatile long lost;
    private volatile long duplicated;
    private volatile long published;
    private volatile long seen;

    private RingWatcher(FrameRingReader reader) {
        this.reader = reader;
    }

    static RingWatcher open(Path ring) throws IOException {
        return new RingWatcher(FrameRingReader.open(ring, Duration.ofSeconds(60)));
    }

    boolean streaming() {
        return reader.sourceStatus().state() == SourceState.STREAMING;
    }

    /** Looks for a new frame; true if there was one. */
    boolean poll() {
        FrameView v = reader.viewLatest();
        if (v == null) {
            return false;
        }
        long seq = v.sequence();
        int width = v.width();
        int index = IndexedVideo.index(v.pixels(), width);
        if (!v.isValid()) {
            return true; // overwritten while read: the index may be torn
        }
        seen++;
        if (firstSequence < 0) {
            firstSequence = seq;
        } else {
            long ds = seq - lastSequence;
            long di = Math.floorMod(index - lastIndex, IndexedVideo.FRAMES);
            if (di > ds) {
                lost += di - ds;
            } else if (di < ds) {
                duplicated += ds - di;
            }
        }
        lastSequence = seq;
        lastIndex = index;
        published = seq - firstSequence;
        return true;
    }

    /** Ring sequence of the newest frame seen (-1 before the first). */
    long sequence() {
        return lastSequence;
    }

    long lost() {
        return lost;
    }

    long duplicated() {
        return duplicated;
    }

    long seen() {
        return seen;
    }

    void close() {
        reader.close();
    }

    /** Polls all watchers on the calling thread until interrupted. */
    static void pollAll(RingWatcher[] watchers) {
        while (!Thread.currentThread().isInterrupted()) {
            boolean any = false;
            for (RingWatcher w : watchers) {
                any |= w.poll();
            }
            if (!any) {
                LockSupport.parkNanos(2_000_000L);
            }
        }
    }
}
