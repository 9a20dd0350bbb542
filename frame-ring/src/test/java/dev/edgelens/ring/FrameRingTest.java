package dev.edgelens.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FrameRingTest {
    private static final Duration NO_WAIT = Duration.ZERO;

    @TempDir
    Path dir;

    private static ByteBuffer frame(int length, long sequence) {
        ByteBuffer b = ByteBuffer.allocateDirect(length);
        TestPattern.fill(b, sequence, length);
        return b;
    }

    private static long publish(FrameRingWriter w, ByteBuffer pixels, int width, int height, PixelFormat f) {
        return w.publish(pixels, width * f.bytesPerPixel(), width, height, f, 1234L, 5678L, 91011L);
    }

    @Test
    void metadataAndPixelsRoundTrip() throws IOException {
        Path path = dir.resolve("cam.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 4, 64 * 48 * 3, "front-door");
             FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            ByteBuffer pixels = frame(64 * 48 * 3, 1);
            long before = System.nanoTime();
            assertEquals(1, w.publish(pixels, 64 * 3, 64, 48, PixelFormat.RGB24, 33_366L, 1_700_000_000_000_000L, 42L));

            Frame f = new Frame();
            assertTrue(r.readLatest(f));
            assertEquals(1, f.sequence());
            assertEquals(64, f.width());
            assertEquals(48, f.height());
            assertEquals(64 * 3, f.stride());
            assertEquals(64 * 48 * 3, f.length());
            assertEquals(PixelFormat.RGB24, f.format());
            assertEquals(33_366L, f.streamTimestampMicros());
            assertEquals(1_700_000_000_000_000L, f.captureEpochMicros());
            assertEquals(42L, f.captureMonoNanos());
            assertTrue(f.publishMonoNanos() >= before);
            assertEquals("front-door", f.sourceId());
            assertEquals(w.epoch(), f.epoch());
            assertTrue(TestPattern.verify(f.pixels(), f.length(), 1));
            assertFalse(r.readLatest(f), "the same frame is not delivered twice");
        }
    }

    @Test
    void paddedSourceRowsArePackedInTheSlot() throws IOException {
        Path path = dir.resolve("pad.ring");
        int width = 5, height = 3, stride = 8; // GRAY8 with 3 bytes of padding per row
        ByteBuffer src = ByteBuffer.allocate(stride * height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < stride; x++) {
                src.put(y * stride + x, (byte) (x < width ? 10 * y + x : 0xEE));
            }
        }
        try (FrameRingWriter w = FrameRingWriter.create(path, 2, width * height, "cam");
             FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            w.publish(src, stride, width, height, PixelFormat.GRAY8, RingLayout.NO_TIMESTAMP, 0, 0);
            Frame f = new Frame();
            assertTrue(r.readLatest(f));
            assertEquals(width, f.stride());
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    assertEquals(10 * y + x, f.pixels()[y * width + x]);
                }
            }
        }
    }

    @Test
    void latestSkipsToNewestAndCountsMissed() throws IOException {
        Path path = dir.resolve("latest.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 8, 256, "cam");
             FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            Frame f = new Frame();
            assertFalse(r.readLatest(f), "an empty ring has nothing to read");
            for (long s = 1; s <= 5; s++) {
                publish(w, frame(256, s), 256, 1, PixelFormat.GRAY8);
            }
            assertTrue(r.readLatest(f));
            assertEquals(5, f.sequence());
            assertEquals(4, r.missedFrames());
            publish(w, frame(256, 6), 256, 1, PixelFormat.GRAY8);
            assertTrue(r.readLatest(f));
            assertEquals(6, f.sequence());
            assertEquals(4, r.missedFrames(), "a reader that keeps up misses nothing");
        }
    }

    @Test
    void readerOpenedLateStartsAtTheNewestFrameWithoutCountingHistoryAsMissed() throws IOException {
        Path path = dir.resolve("late.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 4, 256, "cam")) {
            for (long s = 1; s <= 10; s++) {
                publish(w, frame(256, s), 256, 1, PixelFormat.GRAY8);
            }
            try (FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
                Frame f = new Frame();
                assertTrue(r.readNext(f));
                assertEquals(10, f.sequence());
                assertEquals(0, r.missedFrames());
            }
        }
    }

    @Test
    void nextDeliversInOrderAndJumpsToOldestSafeFrameWhenLapped() throws IOException {
        Path path = dir.resolve("next.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 4, 256, "cam");
             FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            Frame f = new Frame();
            for (long s = 1; s <= 3; s++) {
                publish(w, frame(256, s), 256, 1, PixelFormat.GRAY8);
            }
            for (long s = 1; s <= 3; s++) {
                assertTrue(r.readNext(f));
                assertEquals(s, f.sequence());
                assertTrue(TestPattern.verify(f.pixels(), f.length(), s));
            }
            assertFalse(r.readNext(f));
            for (long s = 4; s <= 13; s++) {
                publish(w, frame(256, s), 256, 1, PixelFormat.GRAY8);
            }
            // Cursor 13, 4 slots: frame 10's slot is next to be rewritten, so 11 is the oldest safe frame.
            assertTrue(r.readNext(f));
            assertEquals(11, f.sequence());
            assertEquals(7, r.missedFrames());
            assertTrue(r.readNext(f));
            assertEquals(12, f.sequence());
        }
    }

    @Test
    void zeroCopyViewIsValidUntilTheWriterOverwritesItsSlot() throws IOException {
        Path path = dir.resolve("view.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 2, 256, "cam");
             FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            publish(w, frame(256, 1), 256, 1, PixelFormat.GRAY8);
            FrameView v = r.viewLatest();
            assertNotNull(v);
            assertEquals(1, v.sequence());
            assertEquals(1, v.pixels().getLong(0, java.nio.ByteOrder.BIG_ENDIAN), "the test pattern starts with the sequence");
            assertTrue(v.isValid());
            publish(w, frame(256, 2), 256, 1, PixelFormat.GRAY8);
            assertTrue(v.isValid(), "frame 2 went to the other slot");
            publish(w, frame(256, 3), 256, 1, PixelFormat.GRAY8);
            assertFalse(v.isValid(), "frame 3 overwrote frame 1's slot");
            FrameView newest = r.viewLatest();
            assertEquals(3, newest.sequence());
            assertNull(r.viewLatest());
        }
    }

    @Test
    void frameLargerThanASlotIsRejectedNamingTheRing() throws IOException {
        Path path = dir.resolve("small.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 2, 100, "cam")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> publish(w, ByteBuffer.allocate(300), 10, 10, PixelFormat.BGR24));
            assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("needs 300 bytes but its slots hold 100"), e.getMessage());
            assertEquals(0, w.lastSequence(), "a rejected frame takes no sequence number");
        }
    }

    @Test
    void shortPixelBufferIsRejected() throws IOException {
        try (FrameRingWriter w = FrameRingWriter.create(dir.resolve("short.ring"), 2, 300, "cam")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> publish(w, ByteBuffer.allocate(299), 10, 10, PixelFormat.BGR24));
            assertTrue(e.getMessage().contains("pixel buffer has 299 bytes"), e.getMessage());
        }
    }

    @Test
    void wrongMagicUnsupportedVersionAndTruncationFailNamingTheFile() throws IOException {
        Path notARing = dir.resolve("text.ring");
        Files.writeString(notARing, "hello, this is not a ring".repeat(300));
        RingFormatException magic = assertThrows(RingFormatException.class, () -> FrameRingReader.open(notARing, NO_WAIT));
        assertTrue(magic.getMessage().contains(notARing.toString()) && magic.getMessage().contains("not a frame ring"),
                magic.getMessage());

        Path newer = dir.resolve("newer.ring");
        FrameRingWriter.create(newer, 2, 64, "cam").close();
        try (RandomAccessFile raf = new RandomAccessFile(newer.toFile(), "rw")) {
            raf.seek(RingLayout.VERSION_OFFSET);
            raf.write(new byte[]{99, 0, 0, 0});
        }
        RingFormatException version = assertThrows(RingFormatException.class, () -> FrameRingReader.open(newer, NO_WAIT));
        assertTrue(version.getMessage().contains(newer.toString())
                && version.getMessage().contains("unsupported layout version 99"), version.getMessage());

        Path cut = dir.resolve("cut.ring");
        FrameRingWriter.create(cut, 4, 10_000, "cam").close();
        try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw")) {
            raf.setLength(RingLayout.HEADER_LENGTH + 100);
        }
        RingFormatException truncated = assertThrows(RingFormatException.class, () -> FrameRingReader.open(cut, NO_WAIT));
        assertTrue(truncated.getMessage().contains(cut.toString()) && truncated.getMessage().contains("truncated"),
                truncated.getMessage());

        Path tiny = dir.resolve("tiny.ring");
        Files.write(tiny, new byte[10]);
        RingFormatException shortHeader = assertThrows(RingFormatException.class, () -> FrameRingReader.open(tiny, NO_WAIT));
        assertTrue(shortHeader.getMessage().contains("shorter than the 4096-byte header"), shortHeader.getMessage());
    }

    @Test
    void writerRefusesToOverwriteAFileThatIsNotARing() throws IOException {
        Path path = dir.resolve("precious.txt");
        Files.writeString(path, "someone's data");
        IOException e = assertThrows(IOException.class, () -> FrameRingWriter.create(path, 2, 64, "cam"));
        assertTrue(e.getMessage().contains("not a frame ring"), e.getMessage());
        assertEquals("someone's data", Files.readString(path));
    }

    @Test
    void ringFileIsGroupReadWritableAndNeverWorldWritable() throws IOException {
        Path path = dir.resolve("mode.ring");
        try (FrameRingWriter w = FrameRingWriter.create(path, 2, 64, "cam")) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
    }

    @Test
    void readerWaitsForALateWriterAndTimesOutClearlyWithoutOne() throws Exception {
        Path path = dir.resolve("late-writer.ring");
        RingTimeoutException timeout = assertThrows(RingTimeoutException.class,
                () -> FrameRingReader.open(path, Duration.ofMillis(200)));
        assertTrue(timeout.getMessage().contains(path.toString()) && timeout.getMessage().contains("200 ms"),
                timeout.getMessage());

        CompletableFuture<FrameRingReader> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return FrameRingReader.open(path, Duration.ofSeconds(30));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "the reader is still waiting for the writer");
        try (FrameRingWriter w = FrameRingWriter.create(path, 2, 64, "cam");
             FrameRingReader r = waiting.get()) {
            publish(w, frame(64, 1), 64, 1, PixelFormat.GRAY8);
            assertTrue(r.readLatest(new Frame()));
        }
    }

    @Test
    void sourceStateAndCleanCloseAreVisibleToReaders() throws IOException {
        Path path = dir.resolve("state.ring");
        FrameRingWriter w = FrameRingWriter.create(path, 2, 64, "cam");
        try (FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            assertEquals(WriterStatus.LIVE, r.writerStatus());
            assertEquals(SourceState.UNKNOWN, r.sourceStatus().state());
            long before = System.currentTimeMillis();
            w.setSourceState(SourceState.RECONNECTING, "rtsp://***@10.0.0.7/stream: connection refused");
            SourceStatus s = r.sourceStatus();
            assertEquals(SourceState.RECONNECTING, s.state());
            assertEquals("rtsp://***@10.0.0.7/stream: connection refused", s.detail());
            assertTrue(s.sinceEpochMillis() >= before);
            assertSame(s, r.sourceStatus(), "an unchanged state is not decoded again");

            w.setSourceState(SourceState.STREAMING, "é".repeat(400)); // 800 bytes of UTF-8
            assertEquals("é".repeat(256), r.sourceStatus().detail(), "cut to 512 bytes at a character boundary");

            w.close();
            assertEquals(WriterStatus.CLOSED, r.writerStatus());
        }
    }

    @Test
    void secondLiveWriterOnTheSamePathIsRefused() throws Exception {
        Path path = dir.resolve("owned.ring");
        // A child process is the live owner, since a writer in this very process is not another process.
        Process owner = RingProcesses.startWriter(path, 32, 16, PixelFormat.GRAY8, "owner", 5);
        try {
            RingProcesses.awaitFrames(path, 1, Duration.ofSeconds(30));
            IOException e = assertThrows(IOException.class, () -> FrameRingWriter.create(path, 2, 64, "intruder"));
            assertTrue(e.getMessage().contains("in use by a live writer (pid " + owner.pid() + ")"), e.getMessage());
        } finally {
            owner.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRingReCreatedForANewGeometryIsNeverReportedClosed() throws IOException {
        Path path = dir.resolve("recreated.ring");
        FrameRingWriter placeholder = FrameRingWriter.create(path, 2, 16 * 16 * 3, "cam");
        try (FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            assertEquals(WriterStatus.LIVE, r.writerStatus());
            // As the capture module does on its first real frame: the new ring first, then close the old one.
            try (FrameRingWriter real = FrameRingWriter.create(path, 2, 640 * 480 * 3, "cam")) {
                placeholder.close();
                assertEquals(WriterStatus.LIVE, r.writerStatus(), "the reader moved to the new ring at once");
                assertEquals(real.epoch(), r.epoch());
            }
            assertEquals(WriterStatus.CLOSED, r.writerStatus());
        }
    }

    @Test
    void readerFollowsARestartedWriterWithAnotherGeometryInTheSameProcess() throws IOException {
        Path path = dir.resolve("geometry.ring");
        try (FrameRingWriter first = FrameRingWriter.create(path, 4, 32 * 24 * 3, "cam")) {
            publish(first, frame(32 * 24 * 3, 1), 32, 24, PixelFormat.BGR24);
        }
        try (FrameRingReader r = FrameRingReader.open(path, NO_WAIT)) {
            Frame f = new Frame();
            assertTrue(r.readLatest(f));
            long firstEpoch = r.epoch();
            try (FrameRingWriter second = FrameRingWriter.create(path, 3, 640 * 480, "cam")) {
                assertTrue(second.epoch() > firstEpoch);
                publish(second, frame(640 * 480, 1), 640, 480, PixelFormat.GRAY8);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!r.readLatest(f) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(second.epoch(), f.epoch());
                assertEquals(640, f.width());
                assertEquals(PixelFormat.GRAY8, f.format());
                assertTrue(TestPattern.verify(f.pixels(), f.length(), 1));
                assertEquals(1, r.writerRestarts());
                assertEquals(3, r.slotCount());
            }
        }
    }
}
