package dev.edgelens.capture;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Masking, backoff and the frame-rate cap. */
class SmallPartsTest {

    @Test
    void masksUserInfoAndSecretQueryParameters() {
        assertEquals("rtsp://***@cam:554/live", Masking.mask("rtsp://admin:pa55@cam:554/live"));
        assertEquals("rtsp://***@cam/live", Masking.mask("rtsp://admin:p@ss@cam/live"));
        assertEquals("open rtsp://***@h/x failed", Masking.mask("open rtsp://user@h/x failed"));
        assertEquals("rtsp://cam/live?user=***&password=***&ch=1",
                Masking.mask("rtsp://cam/live?user=admin&password=xyz&ch=1"));
        assertEquals("rtsp://cam/live", Masking.mask("rtsp://cam/live"));
    }

    @Test
    void scrubsDecodedCredentialsFromFfmpegText() {
        SourceSpec s = SourceSpec.parse("rtsp://viewer:p%40ss:word@cam/live");
        String line = s.scrub("Authorization for viewer with p@ss:word failed at rtsp://viewer:p%40ss:word@cam/live");
        assertFalse(line.contains("viewer") || line.contains("p@ss") || line.contains("p%40ss"), line);
    }

    @Test
    void sourceKinds() {
        assertEquals(SourceSpec.Kind.RTSP, SourceSpec.parse("RTSP://cam/x").kind());
        assertEquals(SourceSpec.Kind.TEST_PATTERN, SourceSpec.parse("lavfi:testsrc2").kind());
        assertEquals("lavfi", SourceSpec.parse("lavfi:testsrc2").ffmpegFormat());
        assertEquals(SourceSpec.Kind.V4L2, SourceSpec.parse("/dev/video0").kind());
        assertEquals("/dev/video2", SourceSpec.parse("v4l2:/dev/video2").ffmpegInput());
        assertEquals(SourceSpec.Kind.FILE, SourceSpec.parse("clips/a.mp4").kind());
        assertEquals("/x/a.mp4", SourceSpec.parse("file:/x/a.mp4").ffmpegInput());
    }

    @Test
    void backoffDoublesUpToTheMaximumWithBoundedJitter() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 0, new SplittableRandom(1));
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (long ms : expected) {
            assertEquals(ms * 1_000_000, b.nextDelayNanos());
        }
        b.reset();
        assertEquals(100_000_000, b.nextDelayNanos());

        RandomGenerator random = new SplittableRandom(42);
        Backoff j = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2, random);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 200; i++) {
            j.reset();
            long d = j.nextDelayNanos();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min >= 80_000_000 && max <= 100_000_000, min + ".." + max);
        assertTrue(max - min > 10_000_000, "jitter spreads the delays: " + min + ".." + max);
    }

    @Test
    void frameRateCapKeepsEveryThirdFrameOfThirtyAtTen() {
        FrameRateCap cap = new FrameRateCap(10);
        int published = 0;
        long last = Long.MIN_VALUE;
        SplittableRandom jitter = new SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            long t = i * 33_333_333L + jitter.nextLong(-3_000_000, 3_000_000);
            if (cap.allow(t)) {
                assertTrue(last == Long.MIN_VALUE || t - last >= 90_000_000L, "gap " + (t - last));
                last = t;
                published++;
            }
        }
        assertEquals(100, published, "10 s of 30 fps capped at 10 fps");
        FrameRateCap none = new FrameRateCap(0);
        assertTrue(none.allow(0) && none.allow(1) && none.allow(2));
    }
}
