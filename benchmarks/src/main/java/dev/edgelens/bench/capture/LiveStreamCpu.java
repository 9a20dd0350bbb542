package dev.edgelens.bench.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.SourceState;

/**
 * CPU per live 1080p30 RTSP stream: the capture program (its own JVM) reads a 1080p30 H.264 stream from the
 * GStreamer RTSP test server on 127.0.0.1 into a ring; its CPU time (user + system, all threads, from /proc) over
 * a measurement window is divided by the window. In the same run, the same FFmpeg build's command line decodes
 * the same stream to BGR24 ({@code ffmpeg -i rtsp://... -pix_fmt bgr24 -f null -}) as the baseline.
 *
 * <p>Usage (from the project root, after {@code mvn install -DskipTests}):
 * {@code java -cp benchmarks/target/benchmarks.jar dev.edgelens.bench.capture.LiveStreamCpu [SECONDS]}.
 * Needs /usr/bin/python3 with GStreamer's RTSP server (scripts/test.sh installs it) and Debian's ffmpeg (libx264).
 */
public final class LiveStreamCpu {
    private static final Path SERVER_SCRIPT = Path.of("capture-module/src/test/resources/rtsp/rtsp_server.py");

    private LiveStreamCpu() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "bench-live");
        Path video = dir.resolve("live-1080p30.h264");
        TestVideo.run(List.of("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=1920x1080:rate=30", "-frames:v", "300", "-c:v", "libx264", "-preset", "veryfast",
                "-crf", "23", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "h264", video.toString()), 600);
        Process server = new ProcessBuilder("/usr/bin/python3", SERVER_SCRIPT.toString(), "--h264", video.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String url = "rtsp://127.0.0.1:" + readyPort(server) + "/stream";
            Path ring = dir.resolve("live.ring");
            double captureCpu;
            double captureFps;
            Process capture = new ProcessBuilder(javaCommand("dev.edgelens.capture.CaptureMain", "--camera-id=live",
                    "--source=" + url, "--ring=" + ring)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("capture.log").toFile()).start();
            try (FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(30))) {
                Frame f = new Frame();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (reader.sourceStatus().state() != SourceState.STREAMING && System.nanoTime() < deadline) {
                    reader.readLatest(f);
                    Thread.sleep(10);
                }
                Thread.sleep(3000); // past start-up and JIT warm-up
                reader.readLatest(f);
                long seq0 = f.sequence();
                long cpu0 = cpuNanos(capture.pid());
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long cpu1 = cpuNanos(capture.pid());
                long t1 = System.nanoTime();
                reader.readLatest(f);
                captureCpu = 100.0 * (cpu1 - cpu0) / (t1 - t0);
                captureFps = (f.sequence() - seq0) * 1e9 / (t1 - t0);
            } finally {
                capture.destroy();
                capture.waitFor(10, TimeUnit.SECONDS);
            }

            Process ffmpeg = new ProcessBuilder(TestVideo.presetFfmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-rtsp_transport", "tcp", "-i", url, "-pix_fmt", "bgr24", "-f", "null", "-")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
            double ffmpegCpu;
            try {
                Thread.sleep(3000);
                long cpu0 = cpuNanos(ffmpeg.pid());
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long cpu1 = cpuNanos(ffmpeg.pid());
                long t1 = System.nanoTime();
                ffmpegCpu = 100.0 * (cpu1 - cpu0) / (t1 - t0);
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
            System.out.printf("live 1080p30 RTSP (H.264, TCP), %d s window on %d cores:%n", seconds,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("  capture program: %.1f%% of one core, %.1f frames/s into the ring%n", captureCpu,
                    captureFps);
            System.out.printf("  ffmpeg CLI (same FFmpeg build, -pix_fmt bgr24 -f null): %.1f%% of one core%n", ffmpegCpu);
            System.out.printf("  ratio capture/ffmpeg CPU: %.2f (lower is better)%n", captureCpu / ffmpegCpu);
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static List<String> javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static int readyPort(Process server) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("READY ")) {
            throw new IOException("RTSP test server did not start (" + line + ")");
        }
        return Integer.parseInt(line.substring(6).strip());
    }

    /** User + system CPU time of a process, all threads, from /proc/PID/stat (clock ticks of 10 ms). */
    static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        return ticks * 10_000_000L;
    }
}
