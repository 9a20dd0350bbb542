package dev.edgelens.bench.capture;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * The capture decode comparison as an interleaved A/B run, for a shared machine whose load comes and goes:
 * capture path and ffmpeg CLI decode the whole file alternately (ABBA order), each run timed on its own, and
 * each pair gives a speed ratio (CLI time / capture time, > 1 = capture faster). Reports the median of the
 * per-pair ratios and their spread, per size. Also compares CPU time per run (the capture side: this JVM's process
 * CPU time, JIT and GC included; the CLI: the utime + stime its -benchmark line prints), which on a loaded machine
 * says more about the work each side does than wall time, which mostly measures each side's share of the
 * CPUs. Uses {@link CaptureDecodeBenchmark}'s own setup and methods.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.edgelens.bench.capture.CaptureDecodeAB [pairs]
 * [threads] [sizes, comma-separated]}; prints every pair, then the summary per size.
 */
public final class CaptureDecodeAB {
    private static final Pattern CLI_CPU = Pattern.compile("utime=([0-9.]+)s stime=([0-9.]+)s");
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CaptureDecodeAB() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String[] sizes = (args.length > 2 ? args[2] : "1280x720,1920x1080").split(",");
        for (String size : sizes) {
            CaptureDecodeBenchmark b = new CaptureDecodeBenchmark();
            b.size = size;
            b.threads = threads;
            b.setUp();
            try {
                run(size, threads, b, pairs);
            } finally {
                b.tearDown();
            }
        }
    }

    private static void run(String size, int threads, CaptureDecodeBenchmark b, int pairs) throws Exception {
        for (int i = 0; i < 2; i++) { // warm-up: JIT, page cache, ring pages
            b.capturePath();
            b.ffmpegCli();
        }
        double[] ratios = new double[pairs];
        double[] cpuRatios = new double[pairs];
        double[] capFps = new double[pairs];
        double[] cliFps = new double[pairs];
        double[] capCpu = new double[pairs];
        double[] cliCpu = new double[pairs];
        long[] t = new long[2];
        for (int i = 0; i < pairs; i++) {
            long cap;
            long cli;
            double capCpuMs;
            double cliCpuMs;
            if ((i & 1) == 0) {
                timeCapture(b, t);
                cap = t[0];
                capCpuMs = t[1] / 1e6;
                cli = timeCli(b);
                cliCpuMs = cliCpuMillis(b.lastCliOutput);
            } else {
                cli = timeCli(b);
                cliCpuMs = cliCpuMillis(b.lastCliOutput);
                timeCapture(b, t);
                cap = t[0];
                capCpuMs = t[1] / 1e6;
            }
            ratios[i] = (double) cli / cap;
            cpuRatios[i] = cliCpuMs / capCpuMs;
            capFps[i] = CaptureDecodeBenchmark.FRAMES * 1e9 / cap;
            cliFps[i] = CaptureDecodeBenchmark.FRAMES * 1e9 / cli;
            System.out.printf(Locale.ROOT, "  pair %d: capture %.1f frames/s (%.2f ms CPU/frame), CLI %.1f frames/s"
                            + " (%.2f ms CPU/frame), speed ratio %.2f%n", i + 1, capFps[i],
                    capCpuMs / CaptureDecodeBenchmark.FRAMES, cliFps[i], cliCpuMs / CaptureDecodeBenchmark.FRAMES,
                    ratios[i]);
            capCpu[i] = capCpuMs / CaptureDecodeBenchmark.FRAMES;
            cliCpu[i] = cliCpuMs / CaptureDecodeBenchmark.FRAMES;
        }
        for (double[] a : new double[][] {ratios, cpuRatios, capFps, cliFps, capCpu, cliCpu}) {
            Arrays.sort(a);
        }
        System.out.printf(Locale.ROOT, "%s threads=%d: capture path median %.1f frames/s (min %.1f, max %.1f); ffmpeg CLI"
                        + " median %.1f frames/s (min %.1f, max %.1f); per-pair speed ratio median %.2f (p10 %.2f, p90"
                        + " %.2f, min %.2f, max %.2f) over %d pairs%n", size, threads, median(capFps), capFps[0],
                capFps[pairs - 1], median(cliFps), cliFps[0], cliFps[pairs - 1], median(ratios),
                ratios[pairs / 10], ratios[pairs - 1 - pairs / 10], ratios[0], ratios[pairs - 1], pairs);
        System.out.printf(Locale.ROOT, "  CPU per frame: capture path median %.2f ms (min %.2f, max %.2f); ffmpeg CLI"
                        + " median %.2f ms (min %.2f, max %.2f); per-pair CPU ratio CLI/capture median %.2f (min %.2f,"
                        + " max %.2f; > 1 = capture cheaper)%n", median(capCpu), capCpu[0], capCpu[pairs - 1],
                median(cliCpu), cliCpu[0], cliCpu[pairs - 1], median(cpuRatios), cpuRatios[0], cpuRatios[pairs - 1]);
    }

    private static double cliCpuMillis(String out) {
        Matcher m = CLI_CPU.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no utime/stime in ffmpeg's -benchmark output:\n" + out);
        }
        return (Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))) * 1000;
    }

    /** Wall and process CPU nanoseconds of one capture run, into {@code out[0]} and {@code out[1]}. */
    private static void timeCapture(CaptureDecodeBenchmark b, long[] out) {
        long cpu = OS.getProcessCpuTime();
        long t = System.nanoTime();
        b.capturePath();
        out[0] = System.nanoTime() - t;
        out[1] = OS.getProcessCpuTime() - cpu;
    }

    private static long timeCli(CaptureDecodeBenchmark b) throws Exception {
        long t = System.nanoTime();
        b.ffmpegCli();
        return System.nanoTime() - t;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
