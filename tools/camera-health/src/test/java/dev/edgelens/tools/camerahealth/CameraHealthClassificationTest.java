package dev.edgelens.tools.camerahealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed models/camera-health.onnx on real photos and on damaged versions of them made
 * here: each must get the matching class, through either resize kernel.
 */
class CameraHealthClassificationTest {

    static final List<String> PHOTOS = List.of("chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png");

    /** A damaged version of a photo and the class it must get. */
    enum Variant {
        ORIGINAL("ok", img -> img),
        /** Pixel values x0.15: about what a camera shows at dusk with a fixed short exposure. */
        DARKENED("dark", img -> img.exposure(0.15)),
        /** Pixel values x6, clipped: exposure far too long, most of the frame blown out. */
        OVEREXPOSED("overexposed", img -> img.exposure(6)),
        /** Near-Gaussian blur with sigma about 1.1% of the short side (a lens well out of focus). */
        BLURRED("blurred", img -> img.blurred(Math.round(Math.min(img.width(), img.height()) / 100f))),
        /** The frame's mean colour plus noise of sigma 3/255: a hand or a cap over the lens. */
        FLAT("covered", img -> img.flat(3, 42));

        final String expected;
        final Function<BgrImage, BgrImage> make;

        Variant(String expected, Function<BgrImage, BgrImage> make) {
            this.expected = expected;
            this.make = make;
        }
    }

    private static final Map<String, BgrImage> FRAMES = new ConcurrentHashMap<>();
    private static final List<String> REPORT = new ArrayList<>();
    private static HealthSession shipped;
    private static HealthSession diagnostic;

    @BeforeAll
    static void open() throws Exception {
        shipped = new HealthSession(Files.readAllBytes(TestPaths.models().resolve(CameraHealthFiles.MODEL)));
        diagnostic = new HealthSession(CameraHealthModel.onnxWithFeatures());
    }

    @AfterAll
    static void close() throws Exception {
        synchronized (REPORT) {
            REPORT.sort(null);
            System.out.println("camera-health results (photo, variant, resize: label top-score "
                    + "[brightness, contrast, sharpness, clipped])");
            REPORT.forEach(System.out::println);
        }
        shipped.close();
        diagnostic.close();
    }

    static Stream<Arguments> cases() {
        return PHOTOS.stream().flatMap(p -> Arrays.stream(Variant.values())
                .flatMap(v -> Arrays.stream(ModelInput.values()).map(r -> Arguments.of(p, v, r))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void classifiesPhotoVariant(String photo, Variant variant, ModelInput resize) throws Exception {
        BgrImage frame = FRAMES.computeIfAbsent(photo + "/" + variant, k -> variant.make.apply(photo(photo)));
        float[] input = resize.toTensor(frame);
        HealthSession.Result result = shipped.run(input);
        HealthSession.Result diag = diagnostic.run(input);
        synchronized (REPORT) {
            REPORT.add(String.format(Locale.ROOT, "%-14s %-12s %-8s: %-12s %.3f %s", photo, variant, resize,
                    result.label(), result.top(), format(diag.features())));
        }
        // Same graph plus one output; ORT may fuse differently, so allow float rounding.
        assertArrayClose(result.scores(), diag.scores(), 1e-5f, "the diagnostic variant is the same graph");
        assertProbabilities(result.scores());
        assertEquals(variant.expected, result.label(), () -> photo + " " + variant + " " + resize + ": scores "
                + Arrays.toString(result.scores()) + ", features " + format(diag.features()));
    }

    @Test
    void graphComputesTheDocumentedFeatures() throws Exception {
        for (String photo : PHOTOS) {
            for (Variant v : Variant.values()) {
                float[] input = ModelInput.BILINEAR.toTensor(v.make.apply(photo(photo)));
                float[] got = diagnostic.run(input).features();
                double[] want = ReferenceFeatures.of(input);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-4 + 1e-3 * Math.abs(want[i]),
                            photo + " " + v + " " + CameraHealthModel.FEATURES.get(i));
                }
            }
        }
    }

    @Test
    void uniformFramesGiveFiniteScoresAndTheRightClass() throws Exception {
        assertEquals("dark", uniform(0f).label());
        assertEquals("covered", uniform(0.5f).label());
        assertEquals("overexposed", uniform(1f).label());
    }

    @Test
    void reportsRunTimePerFrame() throws Exception {
        float[] input = ModelInput.BILINEAR.toTensor(photo("chelsea.png"));
        for (int i = 0; i < 50; i++) {
            shipped.run(input);
        }
        long[] nanos = new long[300];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            assertEquals("ok", shipped.run(input).label());
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        long bytes = Files.size(TestPaths.models().resolve(CameraHealthFiles.MODEL));
        System.out.printf(Locale.ROOT, "camera-health: %d bytes; ORT run per frame: min %.0f us, median %.0f us "
                + "(1 intra-op thread, tensor creation from a float[] included)%n",
                bytes, nanos[0] / 1e3, nanos[nanos.length / 2] / 1e3);
    }

    private static HealthSession.Result uniform(float value) throws Exception {
        float[] input = new float[3 * CameraHealthModel.SIZE * CameraHealthModel.SIZE];
        Arrays.fill(input, value);
        HealthSession.Result r = shipped.run(input);
        assertProbabilities(r.scores());
        return r;
    }

    private static BgrImage photo(String name) {
        return FRAMES.computeIfAbsent(name, n -> {
            try {
                return BgrImage.read(TestPaths.media().resolve(n));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void assertProbabilities(float[] scores) {
        assertEquals(CameraHealthModel.LABELS.size(), scores.length);
        float sum = 0;
        float top = 0;
        for (float s : scores) {
            assertTrue(Float.isFinite(s) && s >= 0 && s <= 1, () -> "score out of range: " + Arrays.toString(scores));
            sum += s;
            top = Math.max(top, s);
        }
        assertEquals(1f, sum, 1e-5f, () -> "scores must sum to 1: " + Arrays.toString(scores));
        assertTrue(top >= 0.5f, () -> "the winner scores at least 0.5: " + Arrays.toString(scores));
    }

    private static void assertArrayClose(float[] a, float[] b, float tol, String what) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tol, what);
        }
    }

    private static String format(float[] f) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < f.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", f[i]));
        }
        return sb.append(']').toString();
    }
}
