package dev.edgelens.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Filling a slot in place (claim/commit), and the writer's resource errors. */
@Timeout(60)
class FrameClaimTest {
    @TempDir
    Path dir;

    @Test
    void claimedFrameIsInvisibleUntilCommittedThenReadsBackWhole() throws IOException {
        Path path = dir.resolve("claim.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 3, 32 * 8 * 3, "cam");
             FrameRingReader r = FrameRingReader.open(path, Duration.ZERO)) {
            FrameClaim c = w.claim(32, 8, PixelFormat.RGB24);
            assertEquals(1, c.sequence());
            assertEquals(32 * 3, c.stride());
            assertEquals(32 * 8 * 3, c.length());
            ByteBuffer slot = c.pixels();
            assertEquals(0, slot.position());
            TestPattern.fill(slot, 1, c.length());

            Frame f = new Frame();
            assertFalse(r.readLatest(f), "nothing is visible before commit");
            assertEquals(1, w.commit(c, 7, 8, 9));
            assertTrue(r.readLatest(f));
            assertEquals(1, f.sequence());
            assertEquals(PixelFormat.RGB24, f.format());
            assertEquals(7, f.streamTimestampMicros());
            assertTrue(TestPattern.verify(f.pixels(), f.length(), 1));
        }
    }

    @Test
    void abortedClaimIsNeverShownAndItsSequenceIsReused() throws IOException {
        Path path = dir.resolve("abort.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 2, 64, "cam");
             FrameRingReader r = FrameRingReader.open(path, Duration.ZERO)) {
            FrameClaim c = w.claim(64, 1, PixelFormat.GRAY8);
            TestPattern.fill(c.pixels(), 99, 64);
            w.abort(c);
            assertFalse(r.readLatest(new Frame()));
            FrameClaim again = w.claim(64, 1, PixelFormat.GRAY8);
            assertEquals(1, again.sequence());
            TestPattern.fill(again.pixels(), 1, 64);
            w.commit(again, 0, 0, 0);
            Frame f = new Frame();
            assertTrue(r.readLatest(f));
            assertTrue(TestPattern.verify(f.pixels(), 64, 1));
            assertEquals(0, r.missedFrames());
        }
    }

    @Test
    void aSecondClaimBeforeCommitIsAnError() throws IOException {
        try (FrameRingWriter w = FrameRingWriter.create(dir.resolve("twice.ring"), 2, 64, "cam")) {
            w.claim(8, 8, PixelFormat.GRAY8);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.claim(8, 8, PixelFormat.GRAY8));
            assertTrue(e.getMessage().contains("neither committed nor aborted"), e.getMessage());
        }
    }

    @Test
    void closeWaitsForAClaimInProgressOnAnotherThread() throws Exception {
        Path path = dir.resolve("closing.ring");
        FrameRingWriter w = FrameRingWriter.create(path, 2, 64, "cam");
        FrameClaim c = w.claim(64, 1, PixelFormat.GRAY8);
        CountDownLatch closing = new CountDownLatch(1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            closing.countDown();
            w.close();
        });
        closing.await();
        Thread.sleep(50);
        assertFalse(closed.isDone(), "close waits while the producer is writing into the slot");
        TestPattern.fill(c.pixels(), 1, 64);
        assertThrows(IllegalStateException.class, () -> w.commit(c, 0, 0, 0),
                "a frame finished after close began is not published");
        closed.get();
        try (FrameRingReader r = FrameRingReader.open(path, Duration.ZERO)) {
            assertEquals(WriterStatus.CLOSED, r.writerStatus());
            assertFalse(r.readLatest(new Frame()));
        }
    }

    /**
     * A file system without room for the ring: the writer must fail at creation with a clear message, not die
     * with SIGBUS at the first frame. A child JVM under {@code ulimit -f} stands in for a small /dev/shm.
     */
    @Test
    void ringThatDoesNotFitIsRefusedAtCreationWithAClearError() throws Exception {
        Path path = dir.resolve("big.ring");
        Path log = dir.resolve("big.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -f 2048; exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + RingWriterProcess.class.getName() + " '" + path + "' 1280 720 BGR24 cam 30";
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .redirectOutput(new File(log.toString())).start();
        assertEquals(1, p.waitFor(), "the writer exits with an error");
        String output = Files.readString(log);
        assertTrue(output.contains("frame ring " + path + ": cannot reserve " + RingLayout.fileLength(8, 1280 * 720 * 3)
                + " bytes for 8 slots of 2764800 bytes"), output);
        assertTrue(output.contains("use fewer or smaller slots"), output);
        assertFalse(Files.exists(path), "no half-made ring is left at the path");
    }
}
