package dev.edgelens.bench.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.edgelens.bench.RatioReport;

/**
 * The harness against the real things: two gst-launch-1.0 processes and two JVMs, for two seconds each. Checks
 * that frames are counted from each reader's output and that nothing is left in /dev/shm, not how fast it is.
 */
class ShmComparisonTest {
    private static final Trial.Setup SHORT = new Trial.Setup(1920, 1080, 16, Duration.ofSeconds(1),
            Duration.ofSeconds(2), System.getProperty("java.class.path"));

    @Test
    void countsFramesGstreamerCarriesFromShmsinkToShmsrcAndCleansUp() throws Exception {
        ShmComparison.checkGstreamer();
        Set<String> before = shmEntries();
        Trial.Result r = Trial.run(Variant.GST_COPY_IN, 1, SHORT);
        assertEquals("gstShmCopyIn", r.variant());
        assertTrue(r.framesPerSecond() > 0, "frames/s " + r.framesPerSecond());
        assertTrue(r.seconds() >= 1.0, "the rate spans most of the 2 s window, got " + r.seconds() + " s");
        assertEquals(0.0, r.missedPerSecond(), "shmsink waits for the reader, so fpsdisplaysink drops nothing");
        assertNull(r.publishedPerSecond());
        assertTrue(r.writerCpuPercent() > 0, "the writer copies every frame: it must use CPU");
        Set<String> after = shmEntries();
        after.removeAll(before);
        assertTrue(after.isEmpty(), "left in /dev/shm: " + after);
    }

    @Test
    void countsFramesTheRingCarriesBetweenTwoJvms() throws Exception {
        Set<String> before = shmEntries();
        Trial.Result r = Trial.run(Variant.RING_VIEW, 1, SHORT);
        assertEquals("ringView", r.variant());
        assertTrue(r.framesPerSecond() > 0, "frames/s " + r.framesPerSecond());
        assertTrue(r.publishedPerSecond() > 0, "published/s " + r.publishedPerSecond());
        assertTrue(r.missedPerSecond() >= 0);
        assertTrue(r.writerCpuPercent() > 0 && r.readerCpuPercent() > 0);
        Set<String> after = shmEntries();
        after.removeAll(before);
        assertTrue(after.isEmpty(), "left in /dev/shm: " + after);
    }

    @Test
    void ratioRowsPairTheRingWithEachBaselineAndCheckTheTargetOnlyAgainstCopyIn() {
        List<Trial.Result> trials = List.of(
                result("gstShmCopyIn", 1, 500), result("gstShmCopyIn", 2, 700),
                result("ringView", 1, 900), result("ringView", 2, 1100),
                result("gstShmDefault", 1, 1000), result("gstShmDefault", 2, 1000));
        List<RatioReport.Row> rows = ShmComparison.rows(trials);
        RatioReport.Row vsCopyIn = rows.get(0);
        assertEquals("ShmComparison.ringView", vsCopyIn.benchmark());
        assertEquals("gstShmCopyIn", vsCopyIn.baseline());
        assertEquals(1000.0, vsCopyIn.score(), 1e-9);
        assertEquals(100.0, vsCopyIn.error(), 1e-9);
        assertEquals(600.0, vsCopyIn.baselineScore(), 1e-9);
        assertEquals(1000.0 / 600, vsCopyIn.ratio(), 1e-9);
        assertEquals(">= 1.5", vsCopyIn.target());
        assertTrue(vsCopyIn.met());
        RatioReport.Row vsDefault = rows.get(1);
        assertEquals("gstShmDefault", vsDefault.baseline());
        assertEquals(1.0, vsDefault.ratio(), 1e-9);
        assertNull(vsDefault.target());
        assertNull(vsDefault.met());
        // CPU per frame, writer + reader, per frame delivered: ring (50 + 5) % at 900 and 1100 frames/s,
        // GStreamer at 500 and 700.
        RatioReport.Row cpu = rows.get(2);
        assertEquals("ShmComparison.ringViewCpu", cpu.benchmark());
        assertEquals("gstShmCopyInCpu", cpu.baseline());
        double ring = (550.0 / 900 + 550.0 / 1100) / 2;
        double gst = (550.0 / 500 + 550.0 / 700) / 2;
        assertEquals(ring, cpu.score(), 1e-9);
        assertEquals(ring / gst, cpu.ratio(), 1e-9);
        assertEquals("ms CPU/frame", cpu.unit());
        // Baselines follow as plain rows; variants not run produce no rows.
        assertEquals(List.of("ShmComparison.ringView", "ShmComparison.ringView", "ShmComparison.ringViewCpu",
                "ShmComparison.gstShmCopyIn", "ShmComparison.gstShmDefault"),
                rows.stream().map(RatioReport.Row::benchmark).toList());
        assertFalse(rows.stream().anyMatch(r -> "gstShmCopyInDrawn".equals(r.baseline())));
    }

    @Test
    void badOptionsAreRejectedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShmComparison.Options.parse(new String[] {"--window", "1"}));
        assertEquals("option --window: '1' is not a whole number in 2..600", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShmComparison.Options.parse(new String[] {"--variants", "ringView,shmfast"}));
        assertTrue(e.getMessage().startsWith("unknown variant 'shmfast'; expected one of ringView, "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShmComparison.Options.parse(new String[] {"--fast"}));
        assertTrue(e.getMessage().startsWith("unknown option '--fast'"), e.getMessage());
        ShmComparison.Options quick = ShmComparison.Options.parse(new String[] {"--short"});
        assertEquals(Duration.ofSeconds(10), quick.window());
        assertEquals(1, quick.rounds());
        assertEquals(5, quick.variants().size());
    }

    private static Trial.Result result(String variant, int round, double fps) {
        return new Trial.Result(variant, round, 10, fps, null, 0, 50, 5, 0.5, 0.05, 0.2, false);
    }

    private static Set<String> shmEntries() throws IOException {
        Set<String> names = new HashSet<>();
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm)) {
            try (DirectoryStream<Path> d = Files.newDirectoryStream(shm)) {
                for (Path p : d) {
                    String n = p.getFileName().toString();
                    if (n.startsWith("shmpipe.") || n.startsWith("edgelens-shm-bench")) {
                        names.add(n);
                    }
                }
            }
        }
        return names;
    }
}
