package dev.edgelens.capture;

import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.SourceState;
import dev.edgelens.ring.SourceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capture from a real GStreamer RTSP server on 127.0.0.1 that tests kill, freeze and restart. */
@Timeout(180)
class RtspCaptureTest {
    private static final Duration FRAME_WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void framesArriveWithTheRightSizeAndColour() throws Exception {
        try (RtspServer server = RtspServer.h264(TestVideos.solid());
             InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir, server.url()))) {
            assertTrue(cap.awaitFrame(FRAME_WAIT), "no frame from " + server.url());
            assertEquals(TestVideos.WIDTH, cap.frame.width());
            assertEquals(TestVideos.HEIGHT, cap.frame.height());
            assertEquals(PixelFormat.BGR24, cap.frame.format());
            assertEquals("test", cap.frame.sourceId());
            assertSolidColour(cap.frame.pixels(), cap.frame.width(), cap.frame.height());
            assertEquals(SourceState.STREAMING, cap.reader.sourceStatus().state());
            long first = cap.frame.sequence();
            assertTrue(cap.awaitFrame(FRAME_WAIT));
            assertTrue(cap.frame.sequence() > first, "frames keep coming");
        }
    }

    /** Every pixel within a small distance of the video's colour (H.264 and YUV round trip change a few levels). */
    static void assertSolidColour(byte[] bgr, int width, int height) {
        int[] rgb = TestVideos.SOLID_RGB;
        int worst = 0;
        for (int i = 0; i < width * height * 3; i += 3) {
            worst = Math.max(worst, Math.abs((bgr[i] & 0xFF) - rgb[2]));
            worst = Math.max(worst, Math.abs((bgr[i + 1] & 0xFF) - rgb[1]));
            worst = Math.max(worst, Math.abs((bgr[i + 2] & 0xFF) - rgb[0]));
        }
        assertTrue(worst <= 6, "pixels differ from the video's colour by up to " + worst + " levels");
    }

    @Test
    void udpTransportWorks() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, "");
        try (RtspServer server = RtspServer.h264(TestVideos.solid())) {
            o.put("source", server.url());
            o.put("rtsp-transport", "udp");
            try (InProcessCapture cap = new InProcessCapture(o)) {
                assertTrue(cap.awaitFrame(FRAME_WAIT), "no frame over UDP");
                assertSolidColour(cap.frame.pixels(), cap.frame.width(), cap.frame.height());
            }
        }
    }

    @Test
    void recoversFromTenServerKillsAndRestarts() throws Exception {
        int recovered = 0;
        try (RtspServer server = RtspServer.h264(TestVideos.pattern());
             InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir, server.url()))) {
            assertTrue(cap.awaitFrame(FRAME_WAIT), "no frame before the first kill");
            for (int i = 0; i < 10; i++) {
                server.kill9();
                SourceStatus lost = cap.awaitState(SourceState.RECONNECTING, Duration.ofSeconds(10));
                assertNotNull(lost, "kill " + (i + 1) + ": the loss was not reported; saw " + cap.statuses());
                cap.reader.readLatest(cap.frame);
                long before = cap.frame.sequence();
                long beforeEpoch = cap.reader.epoch();
                server.restart();
                if (cap.awaitStatus(s -> s.state() == SourceState.STREAMING, FRAME_WAIT) != null
                        && cap.awaitFrame(FRAME_WAIT)
                        && (cap.frame.sequence() > before || cap.reader.epoch() != beforeEpoch)) {
                    recovered++;
                }
            }
        }
        assertEquals(10, recovered, "recoveries out of 10 server kills");
    }

    @Test
    void cameraGeometryChangeRecreatesTheRing() throws Exception {
        try (RtspServer server = RtspServer.h264(TestVideos.pattern());
             InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir, server.url()))) {
            assertTrue(cap.awaitFrame(FRAME_WAIT));
            assertEquals(TestVideos.WIDTH, cap.frame.width());
            long epoch = cap.reader.epoch();
            server.kill9();
            server.restartWith(TestVideos.pattern(160, 120)); // the "camera" comes back reconfigured
            long deadline = System.nanoTime() + FRAME_WAIT.toNanos();
            while (System.nanoTime() < deadline && cap.frame.width() != 160) {
                cap.awaitFrame(Duration.ofSeconds(1));
            }
            assertEquals(160, cap.frame.width());
            assertEquals(120, cap.frame.height());
            assertTrue(cap.reader.epoch() > epoch, "a new ring (epoch) for the new geometry");
            assertTrue(cap.reader.slotCapacity() >= 160 * 120 * 3);
        }
    }

    @Test
    void frozenServerIsNoticedByTheWatchdogAndRecoversAfterSigcont() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, "");
        o.put("io-timeout", "5s"); // longer than the stall timeout: the watchdog, not the socket, must notice
        o.put("stall-timeout", "1500ms");
        try (RtspServer server = RtspServer.h264(TestVideos.pattern())) {
            o.put("source", server.url());
            try (InProcessCapture cap = new InProcessCapture(o)) {
                assertTrue(cap.awaitFrame(FRAME_WAIT));
                server.signal("STOP");
                long frozeAt = System.nanoTime();
                // Frames already in flight may still arrive; then nothing: the watchdog must say so in time.
                SourceStatus stalled = cap.awaitState(SourceState.RECONNECTING, Duration.ofMillis(1500 + 3000));
                long noticedMillis = (System.nanoTime() - frozeAt) / 1_000_000;
                assertNotNull(stalled, "no RECONNECTING within stall timeout + 3 s; saw " + cap.statuses());
                assertTrue(stalled.detail().contains("no frame"), stalled.detail());
                server.signal("CONT");
                assertNotNull(cap.awaitState(SourceState.STREAMING, Duration.ofSeconds(30)),
                        "no recovery after SIGCONT; saw " + cap.statuses() + " (noticed after " + noticedMillis + " ms)");
                assertTrue(cap.awaitFrame(FRAME_WAIT));
            }
        }
    }

    @Test
    void openConnectionWithoutVideoIsAStall() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, "");
        o.put("io-timeout", "10s");
        o.put("stall-timeout", "1500ms");
        try (RtspServer server = RtspServer.h264(TestVideos.pattern())) {
            o.put("source", server.url());
            try (InProcessCapture cap = new InProcessCapture(o)) {
                assertTrue(cap.awaitFrame(FRAME_WAIT));
                server.command("pause"); // connection and RTCP stay up, video stops
                SourceStatus stalled = cap.awaitState(SourceState.RECONNECTING, Duration.ofMillis(1500 + 3000));
                assertNotNull(stalled, "the watchdog did not notice; saw " + cap.statuses());
                assertTrue(stalled.detail().contains("no frame"), stalled.detail());
                server.command("resume");
                assertNotNull(cap.awaitState(SourceState.STREAMING, Duration.ofSeconds(30)), "saw " + cap.statuses());
                assertTrue(cap.awaitFrame(FRAME_WAIT));
            }
        }
    }

    @Test
    void refusedPortIsReportedAndRetriedAsConfigured() throws Exception {
        int port = RtspServer.freePort(); // nobody listens there
        Map<String, String> o = InProcessCapture.fastSettings(dir, "rtsp://admin:hunter22@127.0.0.1:" + port + "/cam");
        o.put("max-reconnects", "2");
        try (LogCapture logs = new LogCapture(); InProcessCapture cap = new InProcessCapture(o)) {
            assertEquals(CaptureLoop.Outcome.GAVE_UP, cap.awaitOutcome(Duration.ofSeconds(30)));
            assertEquals(3, cap.loop.sessions(), "one attempt and two reconnects");
            String log = logs.text();
            assertTrue(log.contains("ERROR camera test (rtsp://***@127.0.0.1:" + port + "/cam): cannot open source:"
                    + " Connection refused"), log);
            assertTrue(log.contains("giving up after 2 reconnect attempts"), log);
            assertFalse(log.contains("hunter22") || log.contains("admin"), "credentials leaked into the log:\n" + log);
            SourceStatus status = cap.reader.sourceStatus();
            assertEquals(SourceState.STOPPED, status.state());
            assertTrue(status.detail().contains("Connection refused"), status.detail());
            for (SourceStatus s : cap.statuses()) {
                assertFalse(s.detail().contains("hunter22"), s.detail());
            }
        }
    }

    @Test
    void wrongPathWrongPasswordAndNonVideoStreamAreClearErrors() throws Exception {
        try (RtspServer video = RtspServer.h264(TestVideos.solid(), "--user", "viewer", "--password", "s3cret-pw");
             RtspServer audio = RtspServer.audioOnly();
             LogCapture logs = new LogCapture()) {
            expectError(video.url("viewer:s3cret-pw", "/nope"), "404");
            expectError(video.url("viewer:wrong-pw", "/stream"), "401");
            expectError(audio.url(), "not a video source");
            // and with the right password it works
            try (InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir,
                    video.url("viewer:s3cret-pw", "/stream")))) {
                assertTrue(cap.awaitFrame(FRAME_WAIT), "no frame with the right password");
            }
            String log = logs.text();
            assertFalse(log.contains("s3cret-pw") || log.contains("wrong-pw") || log.contains("viewer"),
                    "credentials leaked into the log:\n" + log);
        }
    }

    private void expectError(String url, String expected) throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, url);
        o.put("max-reconnects", "1");
        try (InProcessCapture cap = new InProcessCapture(o)) {
            // RECONNECTING lasts one short backoff here; STOPPED ("gave up: <reason>") follows and stays.
            SourceStatus s = cap.awaitStatus(st -> st.state() == SourceState.RECONNECTING
                    || st.state() == SourceState.STOPPED, Duration.ofSeconds(20));
            assertNotNull(s, url + ": no error reported; saw " + cap.statuses());
            assertTrue(s.detail().contains(expected), Masking.mask(url) + ": expected '" + expected + "' in '"
                    + s.detail() + "'");
            assertEquals(CaptureLoop.Outcome.GAVE_UP, cap.awaitOutcome(Duration.ofSeconds(30)));
            assertEquals(2, cap.loop.sessions(), "retried once as configured");
        }
    }
}
