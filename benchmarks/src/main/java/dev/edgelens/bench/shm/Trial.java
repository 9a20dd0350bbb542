package dev.edgelens.bench.shm;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One measurement of one {@link Variant}: starts the writer and the reader process, lets them run for a warm-up,
 * then counts the frames the reader received over the window (from the reader's own progress reports, stamped on
 * arrival) and samples both processes' CPU time at the window's ends. Cleans up the ring file, the shmsink socket
 * and any shared memory area a GStreamer writer left behind.
 */
final class Trial {
    /** Where frames are measured and how long. */
    record Setup(int width, int height, int slots, Duration warmup, Duration window, String classpath) {
        int frameBytes() {
            return width * height * 3;
        }

        String caps() {
            return "video/x-raw,format=BGR,width=" + width + ",height=" + height + ",framerate=0/1";
        }
    }

    /**
     * What one trial measured. {@code publishedPerSecond} is null for GStreamer, whose writer waits for the reader
     * (shmsink blocks while its area is full) and so publishes exactly what is delivered. CPU is in percent of one
     * core over the window, and per frame (writer: per frame published, reader: per frame delivered), which is far
     * less sensitive than frames/s to other work competing for the machine. {@code stallSeconds} is the longest
     * time in the window the reader received nothing; {@code stalled} says it exceeded
     * {@link ChildProtocol#STALL_NANOS} (the rate then includes the stall, see {@link ChildProtocol#rateWithin}).
     */
    record Result(String variant, int round, double seconds, double framesPerSecond, Double publishedPerSecond,
                  double missedPerSecond, double writerCpuPercent, double readerCpuPercent,
                  double writerCpuMillisPerFrame, double readerCpuMillisPerFrame, double stallSeconds,
                  boolean stalled) {
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private Trial() {
    }

    static Result run(Variant variant, int round, Setup setup) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(shmRoot(), "edgelens-shm-bench");
        try {
            return variant.ring ? runRing(variant, round, setup, dir) : runGstreamer(variant, round, setup, dir);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Result runRing(Variant variant, int round, Setup setup, Path dir)
            throws IOException, InterruptedException {
        Path ring = dir.resolve("bench.ring");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvm = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", setup.classpath());
        List<String> writerCmd = new ArrayList<>(jvm);
        writerCmd.addAll(List.of(RingWriterProcess.class.getName(), ring.toString(),
                Integer.toString(setup.width()), Integer.toString(setup.height()), Integer.toString(setup.slots())));
        List<String> readerCmd = new ArrayList<>(jvm);
        readerCmd.addAll(List.of(RingReaderProcess.class.getName(), ring.toString(),
                variant == Variant.RING_VIEW ? "view" : "copy"));
        try (MeasuredProcess writer = MeasuredProcess.start("ring writer", writerCmd, ChildProtocol.RING_WRITER, false);
             MeasuredProcess reader = MeasuredProcess.start("ring reader", readerCmd, ChildProtocol.RING_READER, false)) {
            writer.awaitFirstSample(START_TIMEOUT);
            return measure(variant, round, setup, writer, reader);
        }
    }

    private static Result runGstreamer(Variant variant, int round, Setup setup, Path dir)
            throws IOException, InterruptedException {
        Path socket = dir.resolve("shm.sock");
        // Room for as many frames as the ring has slots, plus slack for the allocator's alignment.
        long shmSize = (long) setup.slots() * setup.frameBytes() + (1 << 20);
        List<String> writerCmd = gstLaunch(false, variant.gstWriterPipeline(setup.caps(), socket.toString(), shmSize));
        List<String> readerCmd = gstLaunch(true, "shmsrc socket-path=" + socket + " ! " + setup.caps()
                + " ! fpsdisplaysink video-sink=fakesink text-overlay=false sync=false signal-fps-measurements=false"
                + " fps-update-interval=" + ChildProtocol.REPORT_INTERVAL_MS);
        long writerPid = -1;
        try (MeasuredProcess writer = MeasuredProcess.start("gst shmsink writer", writerCmd, null, true)) {
            writerPid = writer.pid();
            awaitSocket(writer, socket);
            try (MeasuredProcess reader = MeasuredProcess.start("gst shmsrc reader", readerCmd,
                    ChildProtocol.FPS_DISPLAY_SINK, true)) {
                return measure(variant, round, setup, writer, reader);
            }
        } finally {
            if (writerPid > 0) {
                for (Path left : leftoverShmAreas(writerPid)) {
                    System.err.println("warning: shmsink (pid " + writerPid + ") left " + left + " behind; deleting it");
                    Files.deleteIfExists(left);
                }
            }
        }
    }

    private static Result measure(Variant variant, int round, Setup setup, MeasuredProcess writer,
                                  MeasuredProcess reader) throws IOException, InterruptedException {
        reader.awaitFirstSample(START_TIMEOUT);
        Thread.sleep(setup.warmup().toMillis());
        checkAlive(writer, reader);
        long t0 = System.nanoTime();
        Duration writerCpu0 = writer.cpu();
        Duration readerCpu0 = reader.cpu();
        Thread.sleep(setup.window().toMillis());
        long t1 = System.nanoTime();
        Duration writerCpu1 = writer.cpu();
        Duration readerCpu1 = reader.cpu();
        checkAlive(writer, reader);
        ChildProtocol.Rate delivered = ChildProtocol.rateWithin(reader.samples(), t0, t1, reader.name());
        Double published = variant.ring
                ? ChildProtocol.rateWithin(writer.samples(), t0, t1, writer.name()).countPerSecond()
                : null;
        double wall = (t1 - t0) / 1e9;
        double writerPercent = percent(writerCpu1.minus(writerCpu0), wall);
        double readerPercent = percent(readerCpu1.minus(readerCpu0), wall);
        double fps = delivered.countPerSecond();
        double publishedFps = published != null ? published : fps;
        return new Result(variant.benchmark, round, delivered.seconds(), fps, published,
                delivered.missedPerSecond(), writerPercent, readerPercent,
                10 * writerPercent / publishedFps, 10 * readerPercent / fps, delivered.stallSeconds(),
                delivered.stalled());
    }

    private static double percent(Duration cpu, double wallSeconds) {
        return 100.0 * cpu.toNanos() / 1e9 / wallSeconds;
    }

    private static void checkAlive(MeasuredProcess... processes) throws IOException {
        for (MeasuredProcess p : processes) {
            if (!p.isAlive()) {
                throw p.failure("exited during the measurement");
            }
        }
    }

    private static List<String> gstLaunch(boolean verbose, String pipeline) {
        List<String> cmd = new ArrayList<>();
        cmd.add("gst-launch-1.0");
        // -v prints property notifications, among them fpsdisplaysink's last-message; -q keeps the writer quiet.
        cmd.add(verbose ? "-v" : "-q");
        cmd.addAll(List.of(pipeline.split(" ")));
        return cmd;
    }

    /** shmsink creates its control socket once the pipeline runs; shmsrc fails if it connects earlier. */
    private static void awaitSocket(MeasuredProcess writer, Path socket) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(socket)) {
            if (!writer.isAlive()) {
                throw writer.failure("exited before creating " + socket + " (missing GStreamer elements? install "
                        + ShmComparison.GSTREAMER_PACKAGES + ")");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw writer.failure("did not create " + socket + " within " + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Shared memory areas of a shmsink process still in /dev/shm: shmpipe names them {@code shmpipe.%5d.%5d}
     * (pid, counter), space-padded. A clean stop (SIGINT) unlinks them; a killed writer leaves them behind.
     */
    static List<Path> leftoverShmAreas(long pid) throws IOException {
        Path shm = Path.of("/dev/shm");
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(shm)) {
            return found;
        }
        Pattern name = Pattern.compile("^shmpipe\\. *" + pid + "\\. *\\d+$");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(shm)) {
            for (Path p : entries) {
                if (name.matcher(p.getFileName().toString()).matches()) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    private static Path shmRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
