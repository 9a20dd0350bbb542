package dev.edgelens.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.edgelens.bench.RatioReport;

/**
 * End to end on live 1080p30 RTSP streams: the GStreamer RTSP test server on 127.0.0.1 serves {@link IndexedVideo}
 * in a loop; N capture processes ({@code capture-module/target/capture-module.jar}, one per camera) write N rings;
 * one inference process ({@code inference-module/target/edgelens-inference.jar}, the camera-health model,
 * hysteresis 1, no minimum interval, heartbeat 1 s) serves all N rings and prints events on standard output.
 * After a warm-up, over a measurement window: frames published (ring sequences), frames classified and skipped
 * (heartbeat counters), frames lost at capture ({@link RingWatcher}), frame-to-event latency (event arrival here
 * minus the frame's capture time) against one inference's time, and CPU per process ({@code /proc/PID/stat}).
 * With {@code --soak SECONDS}: resident memory (VmRSS) of every process after the warm-up and at the end.
 *
 * <p>Usage, from the project root: {@code java -cp benchmarks/target/benchmarks.jar dev.edgelens.bench.e2e.EndToEnd
 * [--cameras N] [--seconds S | --soak S] [--warmup S] [--out FILE.json]}.
 */
public final class EndToEnd {
    private static final Path SERVER_SCRIPT = Path.of("capture-module/src/test/resources/rtsp/rtsp_server.py");
    private static final Path CAPTURE_JAR = Path.of("capture-module/target/capture-module.jar");
    private static final Path INFERENCE_JAR = Path.of("inference-module/target/edgelens-inference.jar");
    private static final String MODEL = "camera-health";

    private final int cameras;
    private final int seconds;
    private final int warmup;
    private final boolean soak;
    private final List<Process> started = new ArrayList<>();
    /** Extra JVM options for the capture and inference processes (diagnosis, e.g. native memory tracking). */
    private final List<String> jvmOptions = new ArrayList<>();

    private EndToEnd(int cameras, int seconds, int warmup, boolean soak) {
        this.cameras = cameras;
        this.seconds = seconds;
        this.warmup = warmup;
        this.soak = soak;
    }

    public static void main(String[] args) throws Exception {
        int cameras = 1;
        int seconds = 30;
        Integer warmup = null;
        boolean soak = false;
        Path out = null;
        List<String> jvmOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--cameras" -> cameras = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--soak" -> {
                    seconds = Integer.parseInt(args[++i]);
                    soak = true;
                }
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--jvm-opt" -> jvmOptions.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; expected --cameras N,"
                        + " --seconds S, --soak S, --warmup S, --jvm-opt OPTION or --out FILE.json");
            }
        }
        if (cameras < 1 || cameras > 16 || seconds < 1) {
            throw new IllegalArgumentException("--cameras must be 1..16 and --seconds/--soak >= 1");
        }
        for (Path p : List.of(SERVER_SCRIPT, CAPTURE_JAR, INFERENCE_JAR, Path.of("models", MODEL + ".onnx"))) {
            if (!Files.exists(p)) {
                throw new IOException(p + " is missing: run from the project root after mvn install -DskipTests");
            }
        }
        EndToEnd run = new EndToEnd(cameras, seconds, warmup != null ? warmup : soak ? 30 : 15, soak);
        run.jvmOptions.addAll(jvmOptions);
        List<RatioReport.Row> rows;
        try {
            rows = run.run();
        } finally {
            run.stopAll();
        }
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), rows);
            System.out.println("wrote " + out);
        }
        System.out.println(RatioReport.markdown(rows));
        System.exit(0); // reader threads of the stopped processes are daemons, but be sure
    }

    private List<RatioReport.Row> run() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "bench-e2e");
        try {
            return measure(dir);
        } finally {
            stopAll();
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private List<RatioReport.Row> measure(Path dir) throws Exception {
        say("making the 1080p30 test video (%d frames, frame index in pixel blocks)", IndexedVideo.FRAMES);
        Path video = IndexedVideo.make(dir);
        Process server = start(new ProcessBuilder("/usr/bin/python3", SERVER_SCRIPT.toString(), "--h264",
                video.toString()).redirectError(dir.resolve("rtsp-server.log").toFile()));
        String url = "rtsp://127.0.0.1:" + readyPort(server) + "/stream";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Process[] capture = new Process[cameras];
        Path[] rings = new Path[cameras];
        StringBuilder cameraOption = new StringBuilder();
        for (int c = 0; c < cameras; c++) {
            rings[c] = dir.resolve("cam" + c + ".ring");
            capture[c] = start(new ProcessBuilder(command(java, CAPTURE_JAR, "--camera-id=cam" + c,
                    "--source=" + url, "--ring=" + rings[c])).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("capture" + c + ".log").toFile()));
            cameraOption.append(c == 0 ? "" : ",").append("cam").append(c).append('=').append(rings[c]);
        }
        ProcessBuilder ib = new ProcessBuilder(command(java, INFERENCE_JAR, "--camera=" + cameraOption,
                "--models-dir=models", "--model=" + MODEL, "--hysteresis-frames=1", "--min-interval=0s",
                "--heartbeat=1s", "--top-k=1", "--stdout-events=true"))
                .redirectError(dir.resolve("inference.log").toFile());
        ib.environment().put("OPT_OUT_TRACKING", "true");
        ib.environment().put("DJL_OFFLINE", "true");
        Process inference = start(ib);
        EventCollector events = new EventCollector(inference.getInputStream());
        daemon(events, "events");

        RingWatcher[] watchers = new RingWatcher[cameras];
        for (int c = 0; c < cameras; c++) {
            watchers[c] = RingWatcher.open(rings[c]);
        }
        Thread poller = daemon(() -> RingWatcher.pollAll(watchers), "ring-watcher");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Arrays.stream(watchers).allMatch(RingWatcher::streaming) && events.classifiedCount() > 0)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no classification after 120 s: see the logs in " + dir + "\n"
                            + tail(dir.resolve("inference.log")) + tail(dir.resolve("capture0.log")));
                }
                alive(dir, capture, inference);
                Thread.sleep(200);
            }
            say("%d camera(s) streaming and classified; warming up %d s", cameras, warmup);
            Thread.sleep(warmup * 1000L);
            alive(dir, capture, inference);

            long t0 = EventCollector.nowMicros();
            long[] seq0 = new long[cameras];
            long[] lost0 = new long[cameras];
            long[] dup0 = new long[cameras];
            long[] cpu0 = new long[cameras + 1];
            long[] rss0 = new long[cameras + 1];
            for (int c = 0; c < cameras; c++) {
                seq0[c] = watchers[c].sequence();
                lost0[c] = watchers[c].lost();
                dup0[c] = watchers[c].duplicated();
                cpu0[c] = ProcStat.cpuNanos(capture[c].pid());
                rss0[c] = ProcStat.rssKb(capture[c].pid());
            }
            cpu0[cameras] = ProcStat.cpuNanos(inference.pid());
            rss0[cameras] = ProcStat.rssKb(inference.pid());
            long wait0 = ProcStat.runQueueWaitNanos(inference.pid(), "inference");
            if (soak) {
                heapInfo("start", capture[0], inference);
            }
            say("measuring for %d s", seconds);
            long[] rssMax = rss0.clone();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                alive(dir, capture, inference);
                for (int p = 0; p <= cameras; p++) {
                    rssMax[p] = Math.max(rssMax[p], ProcStat.rssKb(p < cameras ? capture[p].pid() : inference.pid()));
                }
                if (System.nanoTime() > nextReport) {
                    nextReport += TimeUnit.SECONDS.toNanos(60);
                    say("... RSS capture0 %d MB, inference %d MB; frames lost so far %d",
                            ProcStat.rssKb(capture[0].pid()) / 1024, ProcStat.rssKb(inference.pid()) / 1024,
                            Arrays.stream(watchers).mapToLong(RingWatcher::lost).sum());
                }
            }
            if (soak) {
                heapInfo("end", capture[0], inference);
            }
            long t1 = EventCollector.nowMicros();
            long[] cpu1 = new long[cameras + 1];
            long[] rss1 = new long[cameras + 1];
            long published = 0;
            long lost = 0;
            long duplicated = 0;
            for (int c = 0; c < cameras; c++) {
                published += watchers[c].sequence() - seq0[c];
                lost += watchers[c].lost() - lost0[c];
                duplicated += watchers[c].duplicated() - dup0[c];
                cpu1[c] = ProcStat.cpuNanos(capture[c].pid());
                rss1[c] = ProcStat.rssKb(capture[c].pid());
            }
            cpu1[cameras] = ProcStat.cpuNanos(inference.pid());
            rss1[cameras] = ProcStat.rssKb(inference.pid());
            long wait1 = ProcStat.runQueueWaitNanos(inference.pid(), "inference");
            double window = (t1 - t0) / 1e6;
            double waitMsPerS = wait0 >= 0 && wait1 >= 0 ? (wait1 - wait0) / 1e6 / window : Double.NaN;
            if (wait0 >= 0 && wait1 >= 0) {
                // Why a frame waits before inference starts on a shared machine: the thread was runnable, not running.
                say("the inference thread waited %.0f ms per second for a CPU (run queue, /proc schedstat);"
                        + " load average %s", (wait1 - wait0) / 1e6 / window,
                        Files.readString(Path.of("/proc/loadavg")).strip());
            }
            return soak ? soakRows(rss0, rss1, rssMax, lost, published)
                    : rows(events, t0, t1, window, published, lost, duplicated, cpu0, cpu1, waitMsPerS);
        } finally {
            poller.interrupt();
            poller.join(2000);
            for (RingWatcher w : watchers) {
                w.close();
            }
        }
    }

    private List<RatioReport.Row> rows(EventCollector events, long t0, long t1, double window, long published,
                                       long lost, long duplicated, long[] cpu0, long[] cpu1, double waitMsPerS) {
        String params = String.format(Locale.ROOT, "cameras=%d, 1080p30 RTSP, %.0f s", cameras, window);
        // Classified and skipped frames from the heartbeat counters (every second per camera).
        double classifiedPerS = 0;
        double skippedPerS = 0;
        for (int c = 0; c < cameras; c++) {
            EventCollector.Heartbeat h0 = events.lastHeartbeat("cam" + c, t0);
            EventCollector.Heartbeat h1 = events.lastHeartbeat("cam" + c, t1);
            if (h0 == null || h1 == null || h1.arrivedMicros() <= h0.arrivedMicros()) {
                throw new IllegalStateException("no heartbeats from the inference process for cam" + c);
            }
            double dt = (h1.arrivedMicros() - h0.arrivedMicros()) / 1e6;
            classifiedPerS += (h1.processed() - h0.processed()) / dt;
            skippedPerS += (h1.skipped() - h0.skipped()) / dt;
        }
        List<EventCollector.Classified> cls = events.classified(t0, t1);
        if (cls.isEmpty()) {
            throw new IllegalStateException("no classification events in the window");
        }
        double[] f2e = cls.stream().mapToDouble(c -> c.frameToEventMicros() / 1000.0).sorted().toArray();
        double[] inf = cls.stream().mapToDouble(c -> c.inferenceMicros() / 1000.0).sorted().toArray();
        double[] toRing = cls.stream().mapToDouble(c -> c.captureToRingMicros() / 1000.0).sorted().toArray();
        double[] queue = cls.stream().mapToDouble(c -> c.ringToInferenceMicros() / 1000.0).sorted().toArray();
        double[] emit = cls.stream().mapToDouble(c -> (c.frameToEventMicros() - c.captureToRingMicros()
                - c.ringToInferenceMicros() - c.inferenceMicros()) / 1000.0).sorted().toArray();
        double p50 = pct(f2e, 50);
        double p99 = pct(f2e, 99);
        double infP50 = pct(inf, 50);
        double bound = 1.5 * infP50 + 20;
        double publishedPerS = published / window;
        double captureCpu = 0;
        for (int c = 0; c < cameras; c++) {
            captureCpu += 100.0 * (cpu1[c] - cpu0[c]) / (window * 1e9);
        }
        captureCpu /= cameras;
        double inferenceCpu = 100.0 * (cpu1[cameras] - cpu0[cameras]) / (window * 1e9);

        say("published %.1f frames/s, classified %.1f/s, skipped %.1f/s, lost at capture %d (duplicated %d),"
                        + " %d latency samples (%.2f per classified frame)", publishedPerS, classifiedPerS, skippedPerS,
                lost, duplicated, f2e.length, f2e.length / (classifiedPerS * window));
        say("frame-to-event p50 %.1f ms, p99 %.1f ms; one inference p50 %.2f ms; bound 1.5 x inference + 20 ms = %.1f ms",
                p50, p99, infP50, bound);
        say("p50 parts: capture->ring %.2f ms, ring->inference start %.2f ms, inference %.2f ms, to event arrival %.2f ms",
                pct(toRing, 50), pct(queue, 50), infP50, pct(emit, 50));
        say("p99 parts: capture->ring %.2f ms, ring->inference start %.2f ms, inference %.2f ms, to event arrival %.2f ms",
                pct(toRing, 99), pct(queue, 99), pct(inf, 99), pct(emit, 99));
        say("CPU: capture %.1f%% of a core per process, inference %.1f%% of a core", captureCpu, inferenceCpu);

        List<RatioReport.Row> rows = new ArrayList<>();
        rows.add(row("e2e.published", params, publishedPerS, "frames/s", null, null, null));
        rows.add(row("e2e.classified", params, classifiedPerS, "frames/s", "e2e.published", publishedPerS, null));
        rows.add(row("e2e.skippedByInference", params, skippedPerS, "frames/s", "e2e.published", publishedPerS, null));
        rows.add(row("e2e.lostAtCapture", params, lost, "frames", "frames published", (double) published, "<= 0"));
        rows.add(new RatioReport.Row("e2e.frameToEventP50", params, p50, 0, "ms", "sample", p50, p99,
                "1.5 x inference + 20 ms", bound, p50 / bound, "<= 1", RatioReport.meets(p50 / bound, "<= 1")));
        rows.add(row("e2e.frameToEventP99", params, p99, "ms", "inference p50", infP50, null));
        rows.add(row("e2e.inference", params + ", " + MODEL, infP50, "ms", null, null, null));
        rows.add(row("e2e.cpuCapture", params + ", per process", captureCpu, "% of a core", null, null, null));
        rows.add(row("e2e.cpuInference", params, inferenceCpu, "% of a core", null, null, null));
        if (!Double.isNaN(waitMsPerS)) {
            rows.add(row("e2e.inferenceThreadRunQueueWait", params, waitMsPerS, "ms per s", null, null, null));
        }
        return rows;
    }

    private List<RatioReport.Row> soakRows(long[] rss0, long[] rss1, long[] rssMax, long lost, long published) {
        String params = String.format(Locale.ROOT, "cameras=%d, %d s after %d s warm-up", cameras, seconds, warmup);
        List<RatioReport.Row> rows = new ArrayList<>();
        for (int p = 0; p <= cameras; p++) {
            String who = p < cameras ? "soak.rssCapture" + (cameras > 1 ? p : "") : "soak.rssInference";
            say("%s: VmRSS %.1f MB at start, %.1f MB at end (max %.1f MB), growth %.2f%%", who, rss0[p] / 1024.0,
                    rss1[p] / 1024.0, rssMax[p] / 1024.0, 100.0 * (rss1[p] - rss0[p]) / rss0[p]);
            rows.add(row(who, params + String.format(Locale.ROOT, ", max %.1f MB", rssMax[p] / 1024.0),
                    rss1[p] / 1024.0, "MB", "start", rss0[p] / 1024.0, "< 1.05"));
        }
        say("frames lost at capture during the soak: %d of %d published", lost, published);
        rows.add(row("soak.lostAtCapture", params, lost, "frames", "frames published", (double) published, "<= 0"));
        return rows;
    }

    private List<String> command(String java, Path jar, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The JVM's own view of its heap (jcmd GC.heap_info), to tell heap growth from native growth in a soak. */
    private void heapInfo(String when, Process capture, Process inference) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        boolean nmt = jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking"));
        for (Process p : List.of(capture, inference)) {
            try {
                List<String> what = new ArrayList<>(List.of("GC.heap_info"));
                if (nmt) {
                    what.add(when.equals("start") ? "VM.native_memory baseline" : "VM.native_memory summary.diff");
                }
                for (String cmd : what) {
                    List<String> line = new ArrayList<>(List.of(jcmd, Long.toString(p.pid())));
                    line.addAll(List.of(cmd.split(" ")));
                    Process j = new ProcessBuilder(line).redirectErrorStream(true).start();
                    String text = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    j.waitFor(30, TimeUnit.SECONDS);
                    say("%s of %s at %s (VmRSS %d MB): %s", cmd, p == capture ? "capture0" : "inference", when,
                            ProcStat.rssKb(p.pid()) / 1024, text.strip().replace("\n", " | "));
                }
            } catch (IOException | InterruptedException e) {
                say("jcmd GC.heap_info failed: %s", e.getMessage());
            }
        }
    }

    private static RatioReport.Row row(String name, String params, double score, String unit, String baseline,
                                       Double baselineScore, String target) {
        Double ratio = baselineScore == null ? null : baselineScore == 0 ? null : score / baselineScore;
        if (target != null && baselineScore != null && baselineScore == 0) {
            ratio = score == 0 ? 0.0 : Double.POSITIVE_INFINITY;
        }
        Boolean met = target == null || ratio == null ? null : RatioReport.meets(ratio, target);
        return new RatioReport.Row(name, params, score, 0, unit, "", null, null, baseline, baselineScore, ratio,
                target, met);
    }

    private static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static void alive(Path dir, Process[] capture, Process inference) throws IOException {
        for (int c = 0; c < capture.length; c++) {
            if (!capture[c].isAlive()) {
                throw new IOException("capture process " + c + " exited with " + capture[c].exitValue() + ":\n"
                        + tail(dir.resolve("capture" + c + ".log")));
            }
        }
        if (!inference.isAlive()) {
            throw new IOException("inference process exited with " + inference.exitValue() + ":\n"
                    + tail(dir.resolve("inference.log")));
        }
    }

    /** Stops inference, then the captures, then the server (SIGTERM, then SIGKILL after 10 s). */
    private void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        started.clear();
    }

    private static int readyPort(Process server) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("READY ")) {
            throw new IOException("RTSP test server did not start (" + line + "); it needs python3-gi and"
                    + " gir1.2-gst-rtsp-server-1.0 (scripts/test.sh installs them)");
        }
        daemon(() -> {
            try {
                r.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // server gone
            }
        }, "rtsp-server-out");
        return Integer.parseInt(line.substring(6).strip());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (IOException e) {
            return "(no " + log + ")\n";
        }
    }

    private static void say(String format, Object... args) {
        System.out.println("  " + String.format(Locale.ROOT, format, args));
    }
}
