package dev.edgelens.capture;

import dev.edgelens.ring.Frame;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.SourceState;
import dev.edgelens.ring.SourceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File, test-pattern and decoder-choice behaviour, without a network. */
@Timeout(120)
class FileAndPatternCaptureTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void photoVideoArrivesWithThePhotosPixels() throws Exception {
        Path[] chelsea = TestVideos.photo("chelsea.png");
        Path[] coffee = TestVideos.photo("coffee.png");
        Map<String, String> o = InProcessCapture.fastSettings(dir, chelsea[0].toString());
        o.put("pace", "false");
        try (InProcessCapture cap = new InProcessCapture(o)) {
            assertTrue(cap.awaitFrame(WAIT), "no frame from " + chelsea[0]);
            assertEquals(TestVideos.WIDTH, cap.frame.width());
            assertEquals(TestVideos.HEIGHT, cap.frame.height());
            double same = meanAbsDiff(cap.frame, ImageIO.read(chelsea[1].toFile()));
            double other = meanAbsDiff(cap.frame, ImageIO.read(coffee[1].toFile()));
            assertTrue(same < 6, "decoded frame differs from the photo by " + same + " levels on average");
            assertTrue(other > 4 * same + 10, "the frame is as close to another photo (" + other + ") as to its own ("
                    + same + ")");
        }
    }

    /** Mean absolute difference per channel between a BGR24 frame and an image of the same size. */
    static double meanAbsDiff(Frame f, BufferedImage img) {
        assertEquals(f.width(), img.getWidth());
        assertEquals(f.height(), img.getHeight());
        byte[] p = f.pixels();
        long sum = 0;
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                int rgb = img.getRGB(x, y);
                int i = y * f.stride() + x * 3;
                sum += Math.abs((p[i] & 0xFF) - (rgb & 0xFF));
                sum += Math.abs((p[i + 1] & 0xFF) - ((rgb >> 8) & 0xFF));
                sum += Math.abs((p[i + 2] & 0xFF) - ((rgb >> 16) & 0xFF));
            }
        }
        return sum / (3.0 * f.width() * f.height());
    }

    @Test
    void fileEndsWithEndOfSourceAfterEveryFrame() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, TestVideos.photo("chelsea.png")[0].toString());
        o.put("pace", "false");
        o.put("ring-slots", "128"); // holds the whole file, so the reader can count every frame
        try (InProcessCapture cap = new InProcessCapture(o)) {
            assertEquals(CaptureLoop.Outcome.END_OF_SOURCE, cap.awaitOutcome(WAIT));
            int frames = 0;
            while (cap.reader.readNext(cap.frame)) {
                frames++;
            }
            assertEquals(TestVideos.FRAMES, frames, "frames in the ring");
            assertEquals(SourceState.STOPPED, cap.reader.sourceStatus().state());
        }
    }

    @Test
    void loopingFileKeepsGoingPastItsEnd() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, TestVideos.photo("chelsea.png")[0].toString());
        o.put("pace", "false");
        o.put("loop", "true");
        try (InProcessCapture cap = new InProcessCapture(o)) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && cap.frame.sequence() <= 3L * TestVideos.FRAMES) {
                cap.awaitFrame(Duration.ofSeconds(1));
            }
            assertTrue(cap.frame.sequence() > 3L * TestVideos.FRAMES, "only " + cap.frame.sequence() + " frames");
            assertEquals(SourceState.STREAMING, cap.reader.sourceStatus().state());
        }
    }

    @Test
    void testPatternScaledToGrayAnalysisSize() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, "lavfi:testsrc2=size=640x480:rate=30");
        o.put("pixel-format", "GRAY8");
        o.put("output-size", "160x120");
        try (InProcessCapture cap = new InProcessCapture(o)) {
            assertTrue(cap.awaitFrame(WAIT));
            assertEquals(160, cap.frame.width());
            assertEquals(120, cap.frame.height());
            assertEquals(PixelFormat.GRAY8, cap.frame.format());
            assertEquals(160, cap.frame.stride());
            // testsrc2 is colourful: a gray frame of it has many distinct levels, not one flat value
            boolean[] seen = new boolean[256];
            int distinct = 0;
            for (int i = 0; i < cap.frame.length(); i++) {
                int v = cap.frame.pixels()[i] & 0xFF;
                if (!seen[v]) {
                    seen[v] = true;
                    distinct++;
                }
            }
            assertTrue(distinct > 20, "only " + distinct + " gray levels");
        }
    }

    @Test
    void frameRateCapPublishesAtMostNPerSecond() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, "lavfi:testsrc2=size=160x120:rate=30");
        o.put("max-fps", "10");
        o.put("ring-slots", "64");
        try (InProcessCapture cap = new InProcessCapture(o)) {
            assertTrue(cap.awaitFrame(WAIT));
            List<Long> published = new ArrayList<>();
            List<Long> stream = new ArrayList<>();
            while (published.size() < 8 && cap.awaitFrame(WAIT)) {
                published.add(cap.frame.captureMonoNanos());
                stream.add(cap.frame.streamTimestampMicros());
            }
            assertEquals(8, published.size());
            for (int i = 1; i < published.size(); i++) {
                long gap = published.get(i) - published.get(i - 1);
                assertTrue(gap >= 90_000_000L, "frames published " + gap / 1_000_000 + " ms apart with a 10 fps cap");
                // every frame is decoded: the ones in between were dropped, so stream time moves on by ~3 frames
                assertTrue(stream.get(i) - stream.get(i - 1) >= 66_000, "stream gap " + (stream.get(i) - stream.get(i - 1)));
            }
        }
    }

    @Test
    void missingDecoderFallsBackToSoftwareAndSaysSoOnce() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, TestVideos.photo("chelsea.png")[0].toString());
        o.put("decoder", "h264_nosuchdecoder");
        o.put("loop", "true");
        try (LogCapture logs = new LogCapture(); InProcessCapture cap = new InProcessCapture(o)) {
            assertTrue(cap.awaitFrame(WAIT));
            long warnings = logs.lines().stream().filter(l -> l.contains("h264_nosuchdecoder")).count();
            assertEquals(1, warnings, logs.text());
            assertTrue(logs.text().contains("using software decoding"), logs.text());
        }
    }

    @Test
    void decoderThatCannotDecodeThisStreamFallsBack() throws Exception {
        // mpeg4 exists in every FFmpeg build but cannot open for an H.264 stream: FFmpeg rejects the mismatch.
        Map<String, String> o = InProcessCapture.fastSettings(dir, TestVideos.photo("chelsea.png")[0].toString());
        o.put("decoder", "mpeg4");
        o.put("loop", "true");
        try (LogCapture logs = new LogCapture(); InProcessCapture cap = new InProcessCapture(o)) {
            assertTrue(cap.awaitFrame(WAIT), "no frame after falling back; log:\n" + logs.text());
            assertTrue(logs.text().contains("decoder 'mpeg4' failed to open"), logs.text());
            assertTrue(logs.text().contains("falling back to software decoding"), logs.text());
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledIf("videoDevicePresent")
    void v4l2DeviceWhereThereIsOne() throws Exception {
        Map<String, String> o = InProcessCapture.fastSettings(dir, "/dev/video0");
        o.put("stall-timeout", "10s");
        try (InProcessCapture cap = new InProcessCapture(o)) {
            assertTrue(cap.awaitFrame(Duration.ofSeconds(20)), "no frame from /dev/video0; saw " + cap.statuses());
            assertTrue(cap.frame.width() > 0 && cap.frame.height() > 0);
        }
    }

    static boolean videoDevicePresent() {
        return Files.isReadable(Path.of("/dev/video0"));
    }

    @Test
    void notAVideoFileAndMissingFileAreClearErrors() throws Exception {
        // Not .txt: FFmpeg's tty demuxer would render a text file as ANSI-art video.
        Path text = dir.resolve("notes.bin");
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Files.write(text, junk);
        for (String source : new String[] {text.toString(), dir.resolve("missing.mp4").toString()}) {
            Map<String, String> o = InProcessCapture.fastSettings(dir, source);
            o.put("max-reconnects", "0");
            try (InProcessCapture cap = new InProcessCapture(o)) {
                assertEquals(CaptureLoop.Outcome.GAVE_UP, cap.awaitOutcome(WAIT));
                SourceStatus s = cap.reader.sourceStatus();
                assertEquals(SourceState.STOPPED, s.state());
                assertTrue(s.detail().contains("cannot open source"), s.detail());
                assertNotNull(s.detail());
            }
        }
    }
}
