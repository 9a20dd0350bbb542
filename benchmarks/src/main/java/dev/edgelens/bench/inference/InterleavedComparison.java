package dev.edgelens.bench.inference;

import java.util.Arrays;
import java.util.Locale;

/**
 * A/B comparison that stays meaningful on a shared, busy machine: the two variants run alternately
 * (ABBA order), each call timed on its own, and the medians are compared. Load that comes and goes
 * hits both variants alike, unlike sequential JMH runs where one variant may get the quiet minute.
 * Runs the same benchmark states JMH uses.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.edgelens.bench.inference.InterleavedComparison [pairs]}.
 */
public final class InterleavedComparison {

    private InterleavedComparison() {
    }

    /** One timed call. */
    interface Call {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        PreprocessBenchmark pre = new PreprocessBenchmark();
        pre.setUp();
        report("preprocess 1080p->224 NCHW", "fused", pre::fused, "straightforward", pre::straightforward, pairs * 2,
                "fused <= 1 ms");
        InferencePathBenchmark path = new InferencePathBenchmark();
        path.threads = 1;
        path.setUp();
        try {
            report("MobileNetV2 per frame (threads=1)", "edgelens", path::edgelens, "rawOrt", path::rawOrt, pairs,
                    "ratio <= 1.05");
            // Control: the baseline against itself shows how far from 1.000 noise alone moves the ratio.
            report("control, raw ORT vs itself", "rawOrt", path::rawOrt, "rawOrt", path::rawOrt, pairs, "1.000");
        } finally {
            path.tearDown();
        }
    }

    private static void report(String what, String aName, Call a, String bName, Call b, int pairs, String goal)
            throws Exception {
        for (int i = 0; i < Math.max(50, pairs / 4); i++) { // warm-up: JIT and ORT arenas
            a.run();
            b.run();
        }
        long[] ta = new long[pairs];
        long[] tb = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            boolean aFirst = (i & 1) == 0;
            if (aFirst) {
                ta[i] = time(a);
                tb[i] = time(b);
            } else {
                tb[i] = time(b);
                ta[i] = time(a);
            }
        }
        long allocA = allocatedPerCall(a, 200);
        long allocB = allocatedPerCall(b, 200);
        Arrays.sort(ta);
        Arrays.sort(tb);
        double ma = ta[pairs / 2] / 1000.0;
        double mb = tb[pairs / 2] / 1000.0;
        System.out.printf(Locale.ROOT, "%s: %s median %.1f us (p10 %.1f, p90 %.1f); %s median %.1f us (p10 %.1f, p90 %.1f);"
                        + " ratio %s/%s = %.3f over %d pairs (goal: %s)%n", what, aName, ma, ta[pairs / 10] / 1000.0,
                ta[pairs * 9 / 10] / 1000.0, bName, mb, tb[pairs / 10] / 1000.0, tb[pairs * 9 / 10] / 1000.0, aName,
                bName, ma / mb, pairs, goal);
        // The 10th percentiles are the calls least disturbed by other processes: a second, steadier estimate.
        System.out.printf(Locale.ROOT, "  ratio of the 10th percentiles: %.3f%n",
                (double) ta[pairs / 10] / tb[pairs / 10]);
        System.out.printf(Locale.ROOT, "  Java heap allocated per call: %s %d bytes, %s %d bytes%n", aName, allocA, bName,
                allocB);
    }

    /** Bytes of Java heap the calling thread allocates per call (HotSpot's per-thread counter). */
    private static long allocatedPerCall(Call c, int calls) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            c.run();
        }
        return (mx.getThreadAllocatedBytes(id) - before) / calls;
    }

    private static long time(Call c) throws Exception {
        long t0 = System.nanoTime();
        Object r = c.run();
        long t = System.nanoTime() - t0;
        if (r == null) {
            throw new IllegalStateException("no result");
        }
        return t;
    }
}
