package dev.edgelens.capture;

import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.SourceState;
import dev.edgelens.ring.SourceStatus;
import dev.edgelens.ring.WriterStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture program as a process: signals, exit codes, environment variables, memory over many reconnects. */
@Timeout(300)
class CaptureProcessTest {
    @TempDir
    Path dir;

    @Test
    void sigtermStopsWithinTwoSecondsAndMarksTheRingWriterClosed() throws Exception {
        Path ring = dir.resolve("term.ring");
        try (CaptureProcess p = CaptureProcess.start(dir, List.of(), Map.of(), "--camera-id=term",
                "--source=lavfi:testsrc2=size=160x120:rate=30", "--ring=" + ring);
             FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(30))) {
            Frame f = new Frame();
            assertNotNull(await(reader, f, s -> s.state() == SourceState.STREAMING, Duration.ofSeconds(30)),
                    p.output());
            assertEquals(WriterStatus.LIVE, reader.writerStatus());
            long t0 = System.nanoTime();
            p.process.destroy(); // SIGTERM
            Integer code = p.awaitExit(10_000);
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            assertNotNull(code, "still running 10 s after SIGTERM");
            assertTrue(tookMillis < 2500, "took " + tookMillis + " ms to stop after SIGTERM");
            assertEquals(WriterStatus.CLOSED, reader.writerStatus(), p.output());
            assertEquals(SourceState.STOPPED, reader.sourceStatus().state());
        }
    }

    @Test
    void aSecondWriterOnTheSameRingIsRefused() throws Exception {
        Path ring = dir.resolve("shared.ring");
        try (CaptureProcess first = CaptureProcess.start(dir, List.of(), Map.of(), "--camera-id=one",
                "--source=lavfi:testsrc2=size=160x120:rate=30", "--ring=" + ring);
             FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(30))) {
            assertNotNull(await(reader, new Frame(), s -> s.state() == SourceState.STREAMING, Duration.ofSeconds(30)));
            try (CaptureProcess second = CaptureProcess.start(dir, List.of(), Map.of(), "--camera-id=two",
                    "--source=lavfi:testsrc2=size=160x120:rate=30", "--ring=" + ring)) {
                assertEquals(1, second.awaitExit(30_000), second.output());
                assertTrue(second.output().contains("in use by a live writer"), second.output());
            }
            assertTrue(first.process.isAlive());
        }
    }

    @Test
    void invalidOptionOrEnvironmentValueExitsWithCode2NamingTheOption() throws Exception {
        try (CaptureProcess p = CaptureProcess.start(dir, List.of(), Map.of(), "--source=lavfi:testsrc2",
                "--rtsp-transport=sctp")) {
            assertEquals(2, p.awaitExit(30_000));
            assertTrue(p.output().contains("'--rtsp-transport'") && p.output().contains("expected tcp or udp"),
                    p.output());
        }
        try (CaptureProcess p = CaptureProcess.start(dir, List.of(), Map.of("EDGELENS_SOURCE", "lavfi:testsrc2",
                "EDGELENS_STALL_TIMEOUT", "soon"))) {
            assertEquals(2, p.awaitExit(30_000));
            assertTrue(p.output().contains("'--stall-timeout'") && p.output().contains("not a duration"), p.output());
        }
        // IoT Hub options: mode device without a connection string; a malformed string (its key never printed)
        try (CaptureProcess p = CaptureProcess.start(dir, List.of(), Map.of(), "--source=lavfi:testsrc2",
                "--iothub-mode=device")) {
            assertEquals(2, p.awaitExit(30_000));
            assertTrue(p.output().contains("iothub-mode=device needs --iothub-connection-string"), p.output());
        }
        try (CaptureProcess p = CaptureProcess.start(dir, List.of(), Map.of("EDGELENS_IOTHUB_CONNECTION_STRING",
                "DeviceId=d;SharedAccessKey=c2VjcmV0LWtleQ=="), "--source=lavfi:testsrc2")) {
            assertEquals(2, p.awaitExit(30_000));
            assertTrue(p.output().contains("iothub-connection-string: expected HostName="), p.output());
            assertFalse(p.output().contains("c2VjcmV0LWtleQ"), p.output());
        }
    }

    @Test
    void environmentVariablesConfigureTheProgram() throws Exception {
        Path ring = dir.resolve("env.ring");
        try (CaptureProcess p = CaptureProcess.start(dir, List.of(), Map.of("EDGELENS_SOURCE",
                "lavfi:testsrc2=size=320x240:rate=30", "EDGELENS_CAMERA_ID", "envcam", "EDGELENS_RING", ring.toString(),
                "EDGELENS_OUTPUT_SIZE", "64x48", "EDGELENS_PIXEL_FORMAT", "RGB24"));
             FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(30))) {
            Frame f = new Frame();
            assertNotNull(await(reader, f, s -> s.state() == SourceState.STREAMING, Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!reader.readLatest(f) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("envcam", f.sourceId(), p.output());
            assertEquals(64, f.width());
            assertEquals(48, f.height());
            assertEquals(dev.edgelens.ring.PixelFormat.RGB24, f.format());
        }
    }

    /**
     * 200 connect/disconnect cycles (the server drops the connection, capture reconnects and streams again) must
     * not grow the resident memory beyond a small bound: a leaked FFmpeg context per cycle would add megabytes.
     */
    @Test
    void twoHundredReconnectsDoNotGrowResidentMemory() throws Exception {
        Path ring = dir.resolve("mem.ring");
        try (RtspServer server = RtspServer.h264(TestVideos.pattern(), "--fps", "120");
             CaptureProcess p = CaptureProcess.start(dir,
                     // A fixed, pre-touched heap: RSS then shows native (FFmpeg) memory, not heap growth.
                     List.of("-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"), Map.of(),
                     "--camera-id=mem", "--source=" + server.url(), "--ring=" + ring, "--reconnect-initial-delay=0ms",
                     "--reconnect-jitter=0", "--io-timeout=2s", "--stall-timeout=5s");
             FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(30))) {
            Frame f = new Frame();
            assertNotNull(await(reader, f, s -> s.state() == SourceState.STREAMING, Duration.ofSeconds(30)), p.output());
            long warmRss = 0;
            for (int cycle = 1; cycle <= 200; cycle++) {
                long kickedAt = System.currentTimeMillis();
                server.command("kick");
                SourceStatus s = await(reader, f, st -> st.state() == SourceState.STREAMING
                        && st.sinceEpochMillis() >= kickedAt, Duration.ofSeconds(20));
                assertNotNull(s, "cycle " + cycle + ": no reconnect; status " + reader.sourceStatus() + "\n"
                        + tail(p.output()));
                if (cycle == 20) {
                    System.gc();
                    warmRss = p.rssKib();
                }
            }
            long endRss = p.rssKib();
            long growthKib = endRss - warmRss;
            System.out.printf("capture RSS over 200 reconnects: %d KiB after 20 cycles, %d KiB after 200 (%+d KiB)%n",
                    warmRss, endRss, growthKib);
            assertTrue(growthKib < 16 * 1024, "resident memory grew by " + growthKib + " KiB over 180 reconnects");
        }
    }

    private static SourceStatus await(FrameRingReader reader, Frame f, Predicate<SourceStatus> p, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            reader.readLatest(f); // also follows a re-created ring
            SourceStatus s = reader.sourceStatus();
            if (p.test(s)) {
                return s;
            }
            Thread.sleep(2);
        }
        return null;
    }

    private static String tail(String s) {
        return s.length() <= 3000 ? s : s.substring(s.length() - 3000);
    }
}
