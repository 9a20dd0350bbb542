package dev.edgelens.inference;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventType;
import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.FrameRingWriter;
import dev.edgelens.ring.PixelFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The program's ModuleControl over the real engine, models and rings. */
@Timeout(180)
class InferenceControlTest {

    static final String MNIST_SHA = "2f06e72de813a8635c9bc0397ac447a601bdbfa7df4bebc278723b958831c9bf";

    @TempDir
    Path tmp;

    private static boolean isCat(Event e) {
        int top = e.topK().get(0).index();
        return top >= 281 && top <= 285;
    }

    private static String reject(InferenceControl c, Map<String, String> changes) {
        Map<String, Object> before = c.effectiveSettings();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.applySettings(changes));
        assertEquals(before, c.effectiveSettings(), "nothing changed after " + changes);
        return e.getMessage();
    }

    @Test
    void policySettingsApplyLiveAndInvalidChangesAreRejectedWhole() throws Exception {
        try (TestProgram p = new TestProgram(tmp)) {
            Event cat = p.sink.await(e -> e.type() == EventType.CLASSIFICATION && "cam1".equals(e.cameraId()),
                    30_000, "a classification of chelsea");
            assertTrue(isCat(cat), cat.topK().toString());
            assertEquals(3, cat.topK().size());

            // top-k 5: the results (seen in heartbeats of the steady scene) list five classes
            Map<String, Object> eff = p.control.applySettings(Map.of("top-k", "5", "heartbeat", "150ms"));
            assertEquals(5, eff.get("top-k"));
            assertEquals("150ms", eff.get("heartbeat"));
            p.sink.await(e -> e.type() == EventType.HEARTBEAT && "cam1".equals(e.cameraId()) && e.topK() != null
                    && e.topK().size() == 5, 30_000, "a heartbeat with top-5");

            // min-confidence above the top score: coffee is classified but no event announces it
            p.control.applySettings(Map.of("min-confidence", "0.99"));
            int mark = p.sink.events().size();
            // two heartbeats later the loop has certainly taken the new settings over
            Event hb1 = p.sink.await(e -> e.type() == EventType.HEARTBEAT && "cam1".equals(e.cameraId())
                    && p.sink.events().indexOf(e) >= mark, 30_000, "a heartbeat");
            p.sink.await(e -> e.type() == EventType.HEARTBEAT && "cam1".equals(e.cameraId())
                    && p.sink.events().indexOf(e) > p.sink.events().indexOf(hb1), 30_000, "a second heartbeat");
            p.cam1.show(TestSupport.bgr("coffee.png"));
            Event hb = p.sink.await(e -> e.type() == EventType.HEARTBEAT && "cam1".equals(e.cameraId())
                    && e.topK() != null && !isCat(e), 30_000, "a heartbeat whose last result is the coffee cup");
            List<Event> between = p.sink.events().subList(mark, p.sink.events().indexOf(hb));
            assertTrue(between.stream().noneMatch(e -> e.type() == EventType.CLASSIFICATION),
                    "no classification below min-confidence: " + between);
            assertTrue(hb.topK().get(0).score() < 0.99);
            // back to 0: the cup is announced
            p.control.applySettings(Map.of("min-confidence", "0"));
            Event cup = p.sink.await(e -> e.type() == EventType.CLASSIFICATION && !isCat(e), 30_000,
                    "the cup announced after min-confidence went down");
            assertEquals(5, cup.topK().size());

            // invalid changes: rejected whole, with the reason naming the option
            assertTrue(reject(p.control, Map.of("top-k", "abc")).contains("--top-k"));
            assertTrue(reject(p.control, Map.of("top-k", "50")).contains("--top-k"));
            String mixed = reject(p.control, Map.of("top-k", "7", "min-confidence", "1.5"));
            assertTrue(mixed.contains("--min-confidence") && mixed.contains("1.5"), mixed);
            assertEquals(5, p.control.effectiveSettings().get("top-k"), "the valid part was not applied either");
            assertTrue(reject(p.control, Map.of("heartbeat", "soon")).contains("--heartbeat"));
            String unknown = reject(p.control, Map.of("threshold", "0.5"));
            assertTrue(unknown.startsWith("unknown setting 'threshold'") && unknown.contains("min-confidence"), unknown);
            String restart = reject(p.control, Map.of("top-k", "2", "models-dir", tmp.resolve("other").toString()));
            assertTrue(restart.startsWith("'models-dir' requires a restart"), restart);
            assertTrue(reject(p.control, Map.of("camera", "cam9")).contains("'camera' requires a restart"));
            assertTrue(reject(p.control, Map.of("iothub-connection-string", "x")).contains("requires a restart"));
            String model = reject(p.control, Map.of("model", "nope"));
            assertTrue(model.contains("no model 'nope'") && model.contains("mnist"), model);

            // restart-only options repeated with their current value (a full desired document) are fine
            Map<String, String> same = new HashMap<>();
            same.put("camera", (String) p.control.effectiveSettings().get("camera"));
            same.put("models-dir", p.models.toString());
            same.put("batch-window", "250ms");
            eff = p.control.applySettings(same);
            assertEquals("250ms", eff.get("batch-window"));
            // null = back to the default
            Map<String, String> reset = new HashMap<>();
            reset.put("top-k", null);
            assertEquals(3, p.control.applySettings(reset).get("top-k"));
        }
    }

    @Test
    void setModelSwitchesAfterValidationAndABadModelKeepsTheOldOne() throws Exception {
        try (TestProgram p = new TestProgram(tmp)) {
            p.sink.await(e -> e.type() == EventType.MODEL_CHANGED && "mobilenet".equals(e.model().name()), 30_000,
                    "mobilenet running");
            Map<String, Object> r = p.control.setModel("mnist");
            assertEquals("mnist", r.get("model"));
            assertEquals(MNIST_SHA, r.get("sha256"));
            Event changed = p.sink.await(e -> e.type() == EventType.MODEL_CHANGED && "mnist".equals(e.model().name()),
                    10_000, "model-changed to mnist");
            assertEquals("mobilenet", changed.previousModel().name());
            assertTrue(changed.reason().contains("pinned live"), changed.reason());
            p.sink.await(e -> e.type() == EventType.CLASSIFICATION && "mnist".equals(e.model().name()), 30_000,
                    "an MNIST classification");
            assertEquals("mnist", p.control.effectiveSettings().get("model"));

            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> p.control.setModel("yolox"));
            assertTrue(bad.getMessage().contains("output [1,3549,85] is not a class-score vector"), bad.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.control.setModel("../mobilenet"));
            assertEquals("mnist", p.control.effectiveSettings().get("model"));
            Map<?, ?> active = (Map<?, ?>) p.control.status().get("activeModel");
            assertEquals("mnist", active.get("name"));
            assertEquals(MNIST_SHA, active.get("sha256"));

            // loader settings: the running model is loaded again with them; an unavailable provider is refused
            p.control.applySettings(Map.of("threads", "2"));
            Event reloaded = p.sink.await(e -> e.type() == EventType.MODEL_CHANGED && e.reason() != null
                    && e.reason().contains("reloaded live"), 10_000, "reload with 2 threads");
            assertEquals("mnist", reloaded.model().name());
            assertEquals(2, p.control.effectiveSettings().get("threads"));
            String cuda = reject(p.control, Map.of("execution-provider", "cuda"));
            assertTrue(cuda.contains("execution provider"), cuda);
            assertEquals("cpu", p.control.status().get("executionProvider"));
        }
    }

    @Test
    void snapshotSavesTheNewestFrameAsJpegAndClassifiesIt() throws Exception {
        try (TestProgram p = new TestProgram(tmp, "--top-k=4")) {
            p.sink.await(e -> e.type() == EventType.CLASSIFICATION, 30_000, "a classification");
            Map<String, Object> snap = p.control.snapshot("cam1");
            Path jpeg = Path.of((String) snap.get("path"));
            assertTrue(jpeg.startsWith(p.snapshots.toAbsolutePath()), jpeg.toString());
            BufferedImage img = ImageIO.read(jpeg.toFile());
            assertNotNull(img, "a readable JPEG");
            assertEquals(451, img.getWidth());
            assertEquals(300, img.getHeight());
            List<?> top = (List<?>) snap.get("classification");
            assertEquals(4, top.size());
            int index = (Integer) ((Map<?, ?>) top.get(0)).get("index");
            assertTrue(index >= 281 && index <= 285, "chelsea is a cat: " + top);
            // colours survive the BGR -> JPEG path: the photo's mean colour is close to the source's
            TestSupport.Bgr src = TestSupport.bgr("chelsea.png");
            assertTrue(Math.abs(meanRed(img) - meanRed(src)) < 6, meanRed(img) + " vs " + meanRed(src));

            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> p.control.snapshot("cam9"));
            assertTrue(unknown.getMessage().contains("unknown camera 'cam9'"));
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> p.control.snapshot("cam2"));
            assertTrue(none.getMessage().contains("has no frame yet"), none.getMessage());
        }
    }

    @Test
    void statusReportsModelProviderRatesCamerasAndVersion() throws Exception {
        try (TestProgram p = new TestProgram(tmp)) {
            long deadline = System.currentTimeMillis() + 30_000;
            Map<String, Object> s = p.control.status();
            while (((Number) s.get("framesPerSecond")).doubleValue() <= 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                s = p.control.status();
            }
            assertTrue(((Number) s.get("framesPerSecond")).doubleValue() > 0, s.toString());
            Map<?, ?> model = (Map<?, ?>) s.get("activeModel");
            assertEquals("mobilenet", model.get("name"));
            assertEquals("cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f", model.get("sha256"));
            assertEquals("cpu", s.get("executionProvider"));
            assertEquals("dev", s.get("version"), "no jar manifest when run from target/classes");
            Map<?, ?> cams = (Map<?, ?>) s.get("cameras");
            Map<?, ?> cam1 = (Map<?, ?>) cams.get("cam1");
            assertEquals("live", cam1.get("writer"));
            assertEquals("no-ring", ((Map<?, ?>) cams.get("cam2")).get("state"));
            assertEquals("absent", ((Map<?, ?>) cams.get("cam2")).get("writer"));
            assertTrue(((Number) s.get("skippedFrames")).longValue() >= 0);
            p.cam1.writer.setSourceState(dev.edgelens.ring.SourceState.RECONNECTING, "connection refused");
            deadline = System.currentTimeMillis() + 10_000;
            while (!"reconnecting".equals(((Map<?, ?>) ((Map<?, ?>) p.control.status().get("cameras")).get("cam1"))
                    .get("state")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Map<?, ?> now = (Map<?, ?>) ((Map<?, ?>) p.control.status().get("cameras")).get("cam1");
            assertEquals("reconnecting", now.get("state"));
            assertEquals("connection refused", now.get("detail"));
        }
    }

    @Test
    void rgbAndGrayFramesBecomeImagesWithTheRightColours() throws Exception {
        Path ring = tmp.resolve("fmt.ring");
        try (FrameRingWriter w = FrameRingWriter.create(ring, 2, FrameRingWriter.slotCapacityFor(4, 2,
                PixelFormat.RGB24), "fmt"); FrameRingReader r = FrameRingReader.open(ring, Duration.ofSeconds(5))) {
            byte[] rgb = new byte[4 * 2 * 3];
            rgb[0] = (byte) 200; rgb[1] = 10; rgb[2] = 30; // first pixel: R=200 G=10 B=30
            w.publish(ByteBuffer.wrap(rgb), 12, 4, 2, PixelFormat.RGB24, 0, 0, System.nanoTime());
            Frame f = new Frame();
            assertTrue(r.readLatest(f));
            int px = InferenceControl.toImage(f).getRGB(0, 0);
            assertEquals(200, (px >> 16) & 0xff);
            assertEquals(10, (px >> 8) & 0xff);
            assertEquals(30, px & 0xff);

            byte[] gray = {(byte) 128, 0, 0, 0, 0, 0, 0, (byte) 255};
            w.publish(ByteBuffer.wrap(gray), 4, 4, 2, PixelFormat.GRAY8, 0, 0, System.nanoTime());
            assertTrue(r.readLatest(f));
            BufferedImage g = InferenceControl.toImage(f);
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, g.getType());
            assertEquals(255, g.getRaster().getSample(3, 1, 0));
            assertEquals(128, g.getRaster().getSample(0, 0, 0));
        }
    }

    private static double meanRed(BufferedImage img) {
        long sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                sum += (img.getRGB(x, y) >> 16) & 0xff;
            }
        }
        return (double) sum / (img.getWidth() * img.getHeight());
    }

    private static double meanRed(TestSupport.Bgr b) {
        long sum = 0;
        for (int i = 2; i < b.pixels().length; i += 3) {
            sum += b.pixels()[i] & 0xff;
        }
        return (double) sum / (b.width() * b.height());
    }
}
