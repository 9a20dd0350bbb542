package dev.edgelens.bench.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.ffmpeg.global.avutil;
import org.openjdk.jmh.annotations.*;

import dev.edgelens.bench.ComparedTo;
import dev.edgelens.capture.CaptureLoop;
import dev.edgelens.capture.CaptureSettings;
import dev.edgelens.capture.RingSink;
import dev.edgelens.ring.PixelFormat;

/**
 * Decode frames/s of the capture path against FFmpeg's own command line on the same file, with the same FFmpeg
 * build (the ffmpeg program inside the JavaCV preset) and the same decoder thread count.
 *
 * <ul>
 *   <li>{@code capturePath}: capture's own supervisor and session ({@link CaptureLoop}) on the file, BGR24,
 *       software decoder, unpaced: every frame decoded and converted to BGR24 by swscale straight into a slot of
 *       a 16-slot frame ring, until the end of the file.</li>
 *   <li>{@code ffmpegCli}: {@code ffmpeg -threads N -i FILE -pix_fmt bgr24 -filter_threads 1 -f null -}.</li>
 * </ul>
 * One operation is one frame; each invocation decodes the whole file from opening it, so both sides pay their
 * start-up (the CLI also pays a process start, a few ms against seconds of decoding).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class CaptureDecodeBenchmark {
    /** Frames per video: 4 s at 30 fps. */
    static final int FRAMES = 120;

    @Param({"1280x720", "1920x1080"})
    public String size;

    /** Decoder threads on both sides. */
    @Param({"2"})
    public int threads;

    private Path dir;
    private Path video;
    private CaptureSettings settings;
    private RingSink sink;
    private String ffmpeg;
    /** The CLI's output of the last {@link #ffmpegCli} run (its -benchmark line gives its CPU time). */
    String lastCliOutput = "";

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        String[] wh = size.split("x");
        int width = Integer.parseInt(wh[0]);
        int height = Integer.parseInt(wh[1]);
        dir = Files.createTempDirectory(Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
                "bench-capture");
        video = TestVideo.make(dir, width, height, FRAMES, 30);
        Path ring = dir.resolve("bench.ring");
        settings = CaptureSettings.fromMap(Map.of("source", video.toString(), "pixel-format", "BGR24",
                "decoder-threads", Integer.toString(threads), "pace", "false", "ring", ring.toString(),
                "ring-slots", "16", "camera-id", "bench"));
        // Sized for the video from the start, so no invocation re-creates (and re-reserves) the ring file.
        sink = new RingSink(ring, 16, "bench", PixelFormat.BGR24, width, height);
        ffmpeg = TestVideo.presetFfmpeg();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sink.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    @ComparedTo(value = "ffmpegCli", target = ">= 1.0")
    public long capturePath() {
        long before = sink.framesPublished();
        CaptureLoop.Outcome outcome = new CaptureLoop(settings, sink).run();
        long published = sink.framesPublished() - before;
        if (outcome != CaptureLoop.Outcome.END_OF_SOURCE || published != FRAMES) {
            throw new IllegalStateException("capture ended " + outcome + " after " + published + " frames, the file has "
                    + FRAMES);
        }
        return published;
    }

    private static final Pattern FRAME_COUNT = Pattern.compile("frame=\\s*(\\d+)");

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long ffmpegCli() throws Exception {
        String out = TestVideo.run(List.of(ffmpeg, "-hide_banner", "-nostdin", "-benchmark", "-threads",
                Integer.toString(threads), "-i", video.toString(), "-pix_fmt", "bgr24", "-filter_threads", "1",
                "-f", "null", "-"), 600);
        lastCliOutput = out;
        Matcher m = FRAME_COUNT.matcher(out);
        long frames = -1;
        while (m.find()) {
            frames = Long.parseLong(m.group(1));
        }
        if (frames != FRAMES) {
            throw new IllegalStateException("ffmpeg decoded " + frames + " frames, the file has " + FRAMES + ":\n" + out);
        }
        return frames;
    }
}
