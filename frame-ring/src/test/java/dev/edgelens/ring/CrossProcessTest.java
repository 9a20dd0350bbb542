package dev.edgelens.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One writer JVM, the test JVM as reader: the deployment shape of capture module and inference module. */
@Timeout(120)
class CrossProcessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void readerStartedBeforeTheWriterGetsItsFramesAndSeesACleanClose() throws Exception {
        Path path = dir.resolve("early.ring");
        CompletableFuture<FrameRingReader> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return FrameRingReader.open(path, PATIENCE);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Process writer = RingProcesses.startWriter(path, 160, 120, PixelFormat.BGR24, "cam-early", 100);
        try (FrameRingReader r = opening.get()) {
            Frame f = new Frame();
            int verified = 0;
            while (verified < 50) {
                if (r.readNext(f)) {
                    assertTrue(TestPattern.verify(f.pixels(), f.length(), f.sequence()), "frame " + f.sequence());
                    assertEquals("cam-early", f.sourceId());
                    assertEquals(160, f.width());
                    verified++;
                } else {
                    Thread.sleep(1);
                }
            }
            assertEquals(WriterStatus.LIVE, r.writerStatus());
            assertEquals(SourceState.STREAMING, r.sourceStatus().state());
            assertEquals(writer.pid(), r.writerPid());

            writer.destroy(); // SIGTERM: the writer's shutdown hook closes the ring
            assertEquals(143, writer.waitFor());
            assertEquals(WriterStatus.CLOSED, r.writerStatus());
        } finally {
            writer.destroyForcibly().waitFor();
        }
    }

    @Test
    void writerKilledAndRestartedIsReportedStaleThenLiveAndTheReaderCarriesOn() throws Exception {
        Path path = dir.resolve("killed.ring");
        Process first = RingProcesses.startWriter(path, 64, 48, PixelFormat.BGR24, "cam", 100);
        Process second = null;
        try (FrameRingReader r = FrameRingReader.open(path, PATIENCE)) {
            Frame f = new Frame();
            awaitTrue(() -> r.readLatest(f) && f.sequence() > 10, "frames from the first writer");
            long firstEpoch = f.epoch();

            first.destroyForcibly(); // SIGKILL: no shutdown hook, the ring stays marked open
            first.waitFor();
            awaitTrue(() -> r.writerStatus() == WriterStatus.STALE, "the dead writer reported stale");
            assertFalse(r.readLatest(f), "no frames come from a dead writer");

            second = RingProcesses.startWriter(path, 64, 48, PixelFormat.BGR24, "cam", 100);
            awaitTrue(() -> r.readLatest(f) && f.epoch() != firstEpoch, "frames from the restarted writer");
            assertTrue(f.epoch() > firstEpoch);
            assertTrue(TestPattern.verify(f.pixels(), f.length(), f.sequence()));
            assertEquals(WriterStatus.LIVE, r.writerStatus());
            assertEquals(second.pid(), r.writerPid());
            assertEquals(1, r.writerRestarts());
        } finally {
            first.destroyForcibly().waitFor();
            if (second != null) {
                second.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void geometryChangeAcrossWriterProcessesIsFollowed() throws Exception {
        Path path = dir.resolve("geometry.ring");
        Process first = RingProcesses.startWriter(path, 320, 240, PixelFormat.BGR24, "cam", 60);
        Process second = null;
        try (FrameRingReader r = FrameRingReader.open(path, PATIENCE)) {
            Frame f = new Frame();
            awaitTrue(() -> r.readLatest(f), "a 320x240 frame");
            assertEquals(320 * 240 * 3, f.length());
            first.destroy();
            first.waitFor();

            second = RingProcesses.startWriter(path, 1280, 720, PixelFormat.GRAY8, "cam", 30);
            awaitTrue(() -> r.readLatest(f) && f.width() == 1280, "a 1280x720 frame");
            assertEquals(720, f.height());
            assertEquals(PixelFormat.GRAY8, f.format());
            assertEquals(1280 * 720, r.slotCapacity());
            assertTrue(TestPattern.verify(f.pixels(), f.length(), f.sequence()));
        } finally {
            first.destroyForcibly().waitFor();
            if (second != null) {
                second.destroyForcibly().waitFor();
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(5);
        }
        fail("timed out waiting for " + what);
    }
}
