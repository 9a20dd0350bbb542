package dev.edgelens.capture;

import dev.edgelens.ring.SourceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings changed while capturing, as the module twin changes them ({@link CaptureControl} over a running
 * {@link CaptureLoop}), against two real RTSP servers.
 */
@Timeout(180)
class LiveSettingsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aNewSourceReconnectsAtOnceAndFramesComeFromIt() throws Exception {
        try (RtspServer first = RtspServer.h264(TestVideos.solid());
             RtspServer second = RtspServer.h264(TestVideos.pattern(640, 360));
             InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir, first.url()))) {
            CaptureControl control = new CaptureControl(cap.loop, cap.sink);
            assertTrue(cap.awaitFrame(WAIT), "no frame from " + first.url());
            assertEquals(TestVideos.WIDTH, cap.frame.width());
            long attempts = cap.loop.sessions();

            Map<String, Object> effective = control.applySettings(Map.of("source", second.url()));
            assertEquals(second.url(), effective.get("source"));
            assertTrue(awaitWidth(cap, 640), "frames from the new source");
            assertEquals(360, cap.frame.height());
            assertEquals(1, cap.loop.switches());
            assertEquals(attempts + 1, cap.loop.sessions(), "one reconnect, no failed attempts in between");
            assertEquals(SourceState.STREAMING, cap.reader.sourceStatus().state());

            // scaling and transport are source-side too: one more reconnect each time
            control.applySettings(Map.of("output-size", "320x180", "rtsp-transport", "udp"));
            assertTrue(awaitWidth(cap, 320), "scaled frames"); // the sink scales at once, even before the reconnect
            assertEquals(180, cap.frame.height());
            assertTrue(cap.awaitStatus(st -> cap.loop.switches() == 2 && st.state() == SourceState.STREAMING, WAIT)
                    != null, "reconnected over UDP");

            // the frame-rate cap applies to the running session, without a reconnect
            control.applySettings(Map.of("max-fps", "5"));
            long before = cap.sink.framesPublished();
            Thread.sleep(2000);
            long capped = cap.sink.framesPublished() - before;
            assertEquals(2, cap.loop.switches(), "no reconnect for max-fps");
            assertTrue(capped <= 14, capped + " frames in 2 s with max-fps 5 (the source sends 30/s)");
            assertEquals("5.0", control.effectiveSettings().get("max-fps"));
            // null = back to the default: every frame again
            control.applySettings(new HashMap<>(Map.of("output-size", "320x180")) {{ put("max-fps", null); }});
            assertEquals("0.0", control.effectiveSettings().get("max-fps"));
            Map<String, Object> status = control.status();
            assertEquals("STREAMING", status.get("state"));
            assertEquals("320x180", status.get("geometry"));
            assertEquals(2L, status.get("settingsReconnects"));
        }
    }

    @Test
    void invalidOrRestartOnlyChangesAreRejectedWholeAndCaptureGoesOn() throws Exception {
        try (RtspServer server = RtspServer.h264(TestVideos.solid());
             InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir, server.url()))) {
            CaptureControl control = new CaptureControl(cap.loop, cap.sink);
            assertTrue(cap.awaitFrame(WAIT));
            CaptureSettings before = cap.loop.settings();

            assertRejected(control, Map.of("max-fps", "5", "rtsp-transport", "sctp"),
                    "Invalid value for option '--rtsp-transport': 'sctp'; expected tcp or udp; nothing was changed");
            assertRejected(control, Map.of("source", "ftp://127.0.0.1/x"), "--source");
            assertRejected(control, Map.of("max-fps", "5000"), "--max-fps");
            assertRejected(control, Map.of("ring-slots", "4"),
                    "'ring-slots' requires a restart (running with ring-slots=8, desired 4); nothing was changed");
            assertRejected(control, Map.of("pixel-format", "GRAY8", "max-fps", "5"), "'pixel-format' requires a restart");
            assertRejected(control, Map.of("iothub-mode", "off"), "'iothub-mode' requires a restart");
            assertRejected(control, Map.of("fps", "5"), "unknown setting 'fps'; expected one of camera-id, source");
            assertEquals(before, cap.loop.settings(), "nothing changed");
            assertEquals(0, cap.loop.switches());

            // restart-only options given with their current value are fine (a full desired document)
            control.applySettings(Map.of("ring-slots", "8", "camera-id", "test", "max-fps", "10"));
            assertEquals("10.0", control.effectiveSettings().get("max-fps"));
            long seq = cap.frame.sequence();
            assertTrue(cap.awaitFrame(WAIT) && cap.frame.sequence() > seq, "capture went on");
        }
    }

    @Test
    void credentialsInANewSourceAreMaskedInSettingsStatusAndLogs() throws Exception {
        try (RtspServer server = RtspServer.h264(TestVideos.solid());
             LogCapture logs = new LogCapture();
             InProcessCapture cap = new InProcessCapture(InProcessCapture.fastSettings(dir, server.url()))) {
            CaptureControl control = new CaptureControl(cap.loop, cap.sink);
            assertTrue(cap.awaitFrame(WAIT));
            String secret = "pa55-w0rd-live";
            control.applySettings(Map.of("source", server.url("viewer:" + secret, "/stream")));
            assertTrue(cap.awaitStatus(s -> cap.loop.switches() == 1 && s.state() == SourceState.STREAMING, WAIT) != null);
            assertFalse(control.effectiveSettings().toString().contains(secret), control.effectiveSettings().toString());
            assertFalse(control.status().toString().contains(secret));
            assertTrue(control.effectiveSettings().get("source").toString().contains("rtsp://***@127.0.0.1"));
            assertFalse(logs.text().contains(secret), "password in the log");
            assertFalse(cap.reader.sourceStatus().detail().contains(secret));
        }
    }

    private static void assertRejected(CaptureControl control, Map<String, String> change, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> control.applySettings(change));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static boolean awaitWidth(InProcessCapture cap, int width) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (cap.awaitFrame(Duration.ofSeconds(1)) && cap.frame.width() == width) {
                return true;
            }
        }
        return false;
    }
}
