package dev.edgelens.bench.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.edgelens.bench.RatioReport;

/**
 * Frames per second of raw 1080p BGR frames carried between two processes: the frame ring (writer JVM, reader
 * JVM) against GStreamer's {@code shmsink -> shmsrc} (two gst-launch-1.0 processes), each variant run in turn in
 * the same session and reported as a ratio. See docs/benchmarks.md, "Frame ring vs GStreamer shm".
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.edgelens.bench.shm.ShmComparison [--short]
 * [--rounds N] [--window SECONDS] [--warmup SECONDS] [--variants a,b,...] [--out DIR]}. Writes
 * {@code DIR/shm.json} (rows in {@link RatioReport.Row} form), {@code DIR/shm-trials.json} (every trial, with CPU
 * per process) and {@code DIR/shm.md} (default DIR: benchmarks/results).
 */
public final class ShmComparison {
    static final String GSTREAMER_PACKAGES =
            "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad";
    /** The goal from issue 7: ring >= 1.5x GStreamer shm with the frame copied in once. */
    static final double TARGET = 1.5;

    private static final int WIDTH = 1920;
    private static final int HEIGHT = 1080;
    /** The capture module's default ring size; shmsink's area gets room for as many frames. */
    private static final int SLOTS = 16;
    private static final String PARAMS = "{size=" + WIDTH + "x" + HEIGHT + "}";
    /** Elements the GStreamer pipelines use, with the Debian package that ships each. */
    private static final String[][] ELEMENTS = {
            {"videotestsrc", "gstreamer1.0-plugins-base"}, {"imagefreeze", "gstreamer1.0-plugins-good"},
            {"identity", "libgstreamer1.0-0"}, {"fakesink", "libgstreamer1.0-0"},
            {"shmsink", "gstreamer1.0-plugins-bad"}, {"shmsrc", "gstreamer1.0-plugins-bad"},
            {"fpsdisplaysink", "gstreamer1.0-plugins-bad"}};

    private ShmComparison() {
    }

    /** Command-line settings; {@link #parse} rejects bad input with a message naming the option. */
    record Options(int rounds, Duration window, Duration warmup, List<Variant> variants, Path out, boolean quick) {
        static Options parse(String[] args) {
            boolean quick = false;
            Integer rounds = null;
            Integer window = null;
            Integer warmup = null;
            List<Variant> variants = List.of(Variant.GST_COPY_IN, Variant.RING_VIEW, Variant.GST_DEFAULT,
                    Variant.RING_COPY_OUT, Variant.GST_COPY_IN_DRAWN);
            Path out = Path.of("benchmarks", "results");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--short" -> quick = true;
                    case "--rounds" -> rounds = positive(a, value(args, ++i, a), 1, 20);
                    case "--window" -> window = positive(a, value(args, ++i, a), 2, 600);
                    case "--warmup" -> warmup = positive(a, value(args, ++i, a), 0, 60);
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--variants" -> {
                        List<Variant> chosen = new ArrayList<>();
                        for (String name : value(args, ++i, a).split(",")) {
                            chosen.add(Variant.byBenchmark(name.trim()));
                        }
                        variants = chosen;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'; expected --short,"
                            + " --rounds N, --window SECONDS, --warmup SECONDS, --variants a,b,... or --out DIR");
                }
            }
            return new Options(rounds != null ? rounds : quick ? 1 : 2,
                    Duration.ofSeconds(window != null ? window : quick ? 10 : 30),
                    Duration.ofSeconds(warmup != null ? warmup : quick ? 2 : 3), variants, out, quick);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String option, String text, int min, int max) {
            try {
                int v = Integer.parseInt(text);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("option " + option + ": '" + text + "' is not a whole number in "
                    + min + ".." + max);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ShmComparison: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.variants().stream().anyMatch(v -> !v.ring)) {
            checkGstreamer();
        }
        Trial.Setup setup = new Trial.Setup(WIDTH, HEIGHT, SLOTS, options.warmup(), options.window(),
                System.getProperty("java.class.path"));
        List<Trial.Result> trials = new ArrayList<>();
        int total = options.rounds() * options.variants().size();
        for (int round = 1; round <= options.rounds(); round++) {
            for (Variant v : options.variants()) {
                System.out.printf(Locale.ROOT, "[%d/%d] round %d, %s (%s) ...%n", trials.size() + 1, total, round,
                        v.benchmark, v.description);
                Trial.Result r = Trial.run(v, round, setup);
                trials.add(r);
                System.out.printf(Locale.ROOT, "      %.1f frames/s delivered%s, missed %.1f/s, CPU writer %.0f%%"
                                + " (%.3f ms/frame), reader %.0f%% (%.3f ms/frame)%n", r.framesPerSecond(),
                        r.publishedPerSecond() == null ? "" : String.format(Locale.ROOT, " (%.1f/s published)",
                                r.publishedPerSecond()),
                        r.missedPerSecond(), r.writerCpuPercent(), r.writerCpuMillisPerFrame(),
                        r.readerCpuPercent(), r.readerCpuMillisPerFrame());
                if (r.stalled()) {
                    System.out.printf(Locale.ROOT, "      STALLED: the reader received nothing for %.1f s of the"
                            + " window%n", r.stallSeconds());
                }
            }
        }
        List<RatioReport.Row> rows = rows(trials);
        String markdown = header(options) + "\n" + RatioReport.markdown(rows) + "\n" + trialTable(trials);
        System.out.println();
        System.out.println(markdown);
        Files.createDirectories(options.out());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(options.out().resolve("shm.json").toFile(), rows);
        json.writeValue(options.out().resolve("shm-trials.json").toFile(), trials);
        Files.writeString(options.out().resolve("shm.md"), markdown);
        System.out.println("wrote " + options.out().resolve("shm.json") + ", shm-trials.json and shm.md");
    }

    /**
     * One row per GStreamer variant (the baselines) and one per ring figure next to a baseline: the ring's
     * zero-copy reader against each GStreamer variant (the target applies against copy-in), and the ring's
     * copy-out reader against copy-in. Scores are the mean over rounds; the error is half the spread (max - min)
     * between rounds, NaN with one round. A last row compares the CPU both processes spend per frame (ring zero-copy
     * vs GStreamer copy-in, lower is better): on a shared machine it moves far less than frames/s, which depends on
     * how much CPU the other tenants leave.
     */
    static List<RatioReport.Row> rows(List<Trial.Result> trials) {
        Map<Variant, double[]> byVariant = new EnumMap<>(Variant.class);
        for (Variant v : Variant.values()) {
            double[] fps = trials.stream().filter(t -> t.variant().equals(v.benchmark))
                    .mapToDouble(Trial.Result::framesPerSecond).toArray();
            if (fps.length > 0) {
                byVariant.put(v, fps);
            }
        }
        List<RatioReport.Row> rows = new ArrayList<>();
        ratioRow(rows, byVariant, Variant.RING_VIEW, Variant.GST_COPY_IN, ">= " + TARGET);
        ratioRow(rows, byVariant, Variant.RING_VIEW, Variant.GST_DEFAULT, null);
        ratioRow(rows, byVariant, Variant.RING_VIEW, Variant.GST_COPY_IN_DRAWN, null);
        ratioRow(rows, byVariant, Variant.RING_COPY_OUT, Variant.GST_COPY_IN, null);
        cpuRow(rows, trials, Variant.RING_VIEW, Variant.GST_COPY_IN);
        for (Variant v : Variant.values()) {
            boolean alreadyShown = rows.stream().anyMatch(r -> r.benchmark().endsWith("." + v.benchmark));
            if (byVariant.containsKey(v) && (!v.ring || !alreadyShown)) {
                double[] fps = byVariant.get(v);
                rows.add(new RatioReport.Row(name(v), PARAMS, mean(fps), halfSpread(fps), "frames/s", "thrpt",
                        null, null, null, null, null, null, null));
            }
        }
        return rows;
    }

    private static void ratioRow(List<RatioReport.Row> rows, Map<Variant, double[]> byVariant, Variant figure,
                                 Variant baseline, String target) {
        if (!byVariant.containsKey(figure) || !byVariant.containsKey(baseline)) {
            return;
        }
        double score = mean(byVariant.get(figure));
        double base = mean(byVariant.get(baseline));
        double ratio = score / base;
        rows.add(new RatioReport.Row(name(figure), PARAMS, score, halfSpread(byVariant.get(figure)), "frames/s",
                "thrpt", null, null, baseline.benchmark, base, ratio, target,
                target == null ? null : ratio >= TARGET));
    }

    private static void cpuRow(List<RatioReport.Row> rows, List<Trial.Result> trials, Variant figure,
                               Variant baseline) {
        double[] cost = cpuPerFrame(trials, figure);
        double[] baseCost = cpuPerFrame(trials, baseline);
        if (cost.length == 0 || baseCost.length == 0) {
            return;
        }
        double score = mean(cost);
        double base = mean(baseCost);
        rows.add(new RatioReport.Row(name(figure) + "Cpu", PARAMS, score, halfSpread(cost), "ms CPU/frame", "avgt",
                null, null, baseline.benchmark + "Cpu", base, score / base, null, null));
    }

    /** Writer + reader CPU milliseconds per frame delivered, one value per round. */
    private static double[] cpuPerFrame(List<Trial.Result> trials, Variant v) {
        return trials.stream().filter(t -> t.variant().equals(v.benchmark))
                .mapToDouble(t -> 10 * (t.writerCpuPercent() + t.readerCpuPercent()) / t.framesPerSecond())
                .toArray();
    }

    private static String name(Variant v) {
        return ShmComparison.class.getSimpleName() + "." + v.benchmark;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double halfSpread(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return (max - min) / 2;
    }

    private static String trialTable(List<Trial.Result> trials) {
        StringBuilder sb = new StringBuilder();
        sb.append("| variant | round | frames/s delivered | published/s | missed/s | writer CPU | reader CPU"
                + " | writer CPU/frame | reader CPU/frame | note |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Trial.Result t : trials) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %.1f | %.0f %% | %.0f %% | %.3f ms"
                            + " | %.3f ms | %s |%n",
                    t.variant(), t.round(), t.framesPerSecond(),
                    t.publishedPerSecond() == null ? "= delivered" : String.format(Locale.ROOT, "%.1f",
                            t.publishedPerSecond()),
                    t.missedPerSecond(), t.writerCpuPercent(), t.readerCpuPercent(), t.writerCpuMillisPerFrame(),
                    t.readerCpuMillisPerFrame(), t.stalled() ? String.format(Locale.ROOT,
                            "STALLED %.1f s (nothing received)", t.stallSeconds()) : ""));
        }
        return sb.toString();
    }

    private static String header(Options o) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        return String.format(Locale.ROOT, "Frame ring vs GStreamer shm, %dx%d BGR, %s, %d cores (%s), Java %s, %s;"
                        + " %d round(s) of %d s after %d s warm-up%s%n", WIDTH, HEIGHT,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.version"), gstVersion(), o.rounds(), o.window().toSeconds(),
                o.warmup().toSeconds(), o.quick() ? " (--short)" : "");
    }

    private static String gstVersion() {
        try {
            Process p = new ProcessBuilder("gst-launch-1.0", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().filter(l -> l.startsWith("GStreamer ")).findFirst().orElse("GStreamer ?");
        } catch (IOException e) {
            return "no GStreamer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "GStreamer ?";
        }
    }

    /** Fails early, naming the element and its Debian package, if a pipeline element is missing. */
    static void checkGstreamer() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String[] e : ELEMENTS) {
            Process p;
            try {
                p = new ProcessBuilder("gst-inspect-1.0", "--exists", e[0]).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException notInstalled) {
                throw new IOException("gst-inspect-1.0 is not installed; install the Debian packages "
                        + GSTREAMER_PACKAGES + " (scripts/test.sh does)", notInstalled);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                missing.add(e[0] + " (" + e[1] + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("GStreamer elements missing: " + String.join(", ", missing)
                    + "; install those Debian packages");
        }
    }
}
