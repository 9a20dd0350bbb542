package dev.edgelens.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer publishing as fast as it can into a small ring while readers of every kind read concurrently. Every
 * payload carries its sequence and a CRC, so an accepted torn frame (or a frame with someone else's metadata)
 * cannot go unnoticed.
 */
@Timeout(300)
class ConcurrencyStressTest {
    @TempDir
    Path tmp;
    private Path shmDir;

    @AfterEach
    void removeShmDir() throws IOException {
        if (shmDir != null) {
            try (var files = Files.list(shmDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(shmDir);
        }
    }

    /** Small frames and only 3 slots: the writer laps the readers constantly, which is what we want to provoke. */
    @Test
    void noTornFrameIsAcceptedInAMillionConcurrentReads() throws Exception {
        Result r = run(ringDir().resolve("stress-small.ring"), 64, 1, 3, 1_000_000, Long.MAX_VALUE);
        assertEquals(0, r.tornAccepted.get(), "torn or mismatched frames accepted");
        assertTrue(r.accepted.get() >= 1_000_000, "accepted reads: " + r.accepted.get());
        System.out.printf("small frames: %d reads accepted, %d rejected as overwritten, %d frames published%n",
                r.accepted.get(), r.rejected.get(), r.published.get());
    }

    @Test
    void noTornFrameIsAcceptedWithFullHdBgrFrames() throws Exception {
        Result r = run(ringDir().resolve("stress-1080p.ring"), 1920 * 3, 1080, 4, 300, 400);
        assertEquals(0, r.tornAccepted.get(), "torn or mismatched frames accepted");
        assertTrue(r.accepted.get() >= 300, "accepted reads: " + r.accepted.get());
        System.out.printf("1080p frames: %d reads accepted, %d rejected as overwritten, %d frames published%n",
                r.accepted.get(), r.rejected.get(), r.published.get());
    }

    /** The real thing lives in tmpfs; use it when the machine has one. */
    private Path ringDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            shmDir = Files.createTempDirectory(shm, "ring-stress");
            return shmDir;
        }
        return tmp;
    }

    private record Result(AtomicLong accepted, AtomicLong tornAccepted, AtomicLong rejected, AtomicLong published) {
    }

    /**
     * Runs one writer (rowBytes x rows GRAY8 frames) and three readers (readNext, readLatest, viewLatest) until the
     * readers accepted {@code wantedReads} frames and the writer published at least {@code minFrames}.
     */
    private static Result run(Path path, int rowBytes, int rows, int slots, long wantedReads, long maxFrames)
            throws Exception {
        int length = rowBytes * rows;
        Result result = new Result(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FrameRingWriter writer = FrameRingWriter.create(path, slots, length, "stress")) {
            List<Future<?>> tasks = new ArrayList<>();
            tasks.add(pool.submit(() -> {
                ByteBuffer pixels = ByteBuffer.allocateDirect(length);
                for (long seq = 1; !stop.get() && seq <= maxFrames; seq++) {
                    TestPattern.fill(pixels, seq, length);
                    writer.publish(pixels, rowBytes, rowBytes, rows, PixelFormat.GRAY8, seq, 0, System.nanoTime());
                    result.published.incrementAndGet();
                }
                return null;
            }));
            FrameRingReader[] readers = new FrameRingReader[3];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = FrameRingReader.open(path, Duration.ofSeconds(5));
            }
            tasks.add(pool.submit(copyReader(readers[0], true, result, stop)));
            tasks.add(pool.submit(copyReader(readers[1], false, result, stop)));
            tasks.add(pool.submit(viewReader(readers[2], length, result, stop)));
            while (result.accepted.get() < wantedReads && !tasks.get(0).isDone() && failed(tasks) == null) {
                Thread.sleep(10);
            }
            if (tasks.get(0).isDone()) {
                Thread.sleep(200); // let the readers drain the last frames
            }
            stop.set(true);
            for (Future<?> t : tasks) {
                t.get();
            }
            for (FrameRingReader r : readers) {
                result.rejected.addAndGet(r.rejectedReads());
                r.close();
            }
        } finally {
            pool.shutdownNow();
        }
        return result;
    }

    private static Future<?> failed(List<Future<?>> tasks) {
        return tasks.stream().filter(t -> t.isDone()).findFirst().filter(t -> t != tasks.get(0)).orElse(null);
    }

    private static Callable<Void> copyReader(FrameRingReader reader, boolean inOrder, Result result, AtomicBoolean stop) {
        return () -> {
            Frame f = new Frame();
            long previous = 0;
            while (!stop.get()) {
                boolean got = inOrder ? reader.readNext(f) : reader.readLatest(f);
                if (!got) {
                    Thread.onSpinWait();
                    continue;
                }
                assertTrue(f.sequence() > previous, "sequences only move forward");
                previous = f.sequence();
                if (!TestPattern.verify(f.pixels(), f.length(), f.sequence())) {
                    result.tornAccepted.incrementAndGet();
                }
                result.accepted.incrementAndGet();
            }
            return null;
        };
    }

    private static Callable<Void> viewReader(FrameRingReader reader, int length, Result result, AtomicBoolean stop) {
        return () -> {
            byte[] scratch = new byte[length];
            while (!stop.get()) {
                FrameView v = reader.viewLatest();
                if (v == null) {
                    Thread.onSpinWait();
                    continue;
                }
                v.pixels().getBytes(0, scratch, 0, v.length());
                boolean intact = TestPattern.verify(scratch, v.length(), v.sequence());
                if (v.isValid()) {
                    if (!intact) {
                        result.tornAccepted.incrementAndGet();
                    }
                    result.accepted.incrementAndGet();
                }
            }
            return null;
        };
    }
}
