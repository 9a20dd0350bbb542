package dev.edgelens.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.edgelens.bench.capture.LiveStreamCpu;

/**
 * Runs {@link LiveStreamCpu} (CPU per live 1080p30 RTSP stream, capture program vs the ffmpeg CLI) and turns the
 * lines it prints into a {@link RatioReport.Row}, so the figure joins the merged results table. Its output still
 * goes to the console. Fails naming the line it expected if LiveStreamCpu's output changes.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.edgelens.bench.LiveCpuRows SECONDS OUT.json}.
 */
public final class LiveCpuRows {
    private static final Pattern CAPTURE = Pattern.compile(
            "capture program: ([0-9.]+)% of one core, ([0-9.]+) frames/s");
    private static final Pattern FFMPEG = Pattern.compile("ffmpeg CLI.*: ([0-9.]+)% of one core");

    private LiveCpuRows() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        PrintStream console = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(console, copy), true, StandardCharsets.UTF_8));
        try {
            LiveStreamCpu.main(new String[] {Integer.toString(seconds)});
        } finally {
            System.setOut(console);
        }
        String text = copy.toString(StandardCharsets.UTF_8);
        Matcher c = find(CAPTURE, text);
        Matcher f = find(FFMPEG, text);
        double captureCpu = Double.parseDouble(c.group(1));
        double fps = Double.parseDouble(c.group(2));
        double ffmpegCpu = Double.parseDouble(f.group(1));
        RatioReport.Row row = new RatioReport.Row("LiveStreamCpu.capture",
                String.format(Locale.ROOT, "1080p30 RTSP, %d s, %.1f frames/s", seconds, fps), captureCpu, 0,
                "% of a core", "cpu", null, null, "ffmpegCli", ffmpegCpu, captureCpu / ffmpegCpu, null, null);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), List.of(row));
        // LiveStreamCpu's RTSP server and reader threads may linger; the figures are written.
        System.exit(0);
    }

    private static Matcher find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("LiveStreamCpu printed no line matching '" + p.pattern()
                    + "'; its output was:\n" + text);
        }
        return m;
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) {
            write(new byte[] {(byte) x}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            try {
                a.write(buf, off, len);
            } catch (java.io.IOException ignored) {
                // console gone: keep the copy
            }
            ((ByteArrayOutputStream) b).write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
        }
    }
}
