package dev.edgelens.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test videos made at test time with Debian's ffmpeg (libx264, a keyframe every 30 frames, no B-frames), once
 * per JVM, into a temporary folder.
 */
public final class TestVideos {
    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    /** The solid colour of {@link #solid()}, as R, G, B. */
    static final int[] SOLID_RGB = {0x30, 0x60, 0xC0};
    /** Frames in each test video (2 s at 30 fps). */
    static final int FRAMES = 60;

    private static Path dir;

    private TestVideos() {
    }

    static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("edgelens-capture-videos");
            dir.toFile().deleteOnExit();
        }
        return dir;
    }

    /** Raw H.264 (Annex B) of a solid colour, for the RTSP server. */
    static synchronized Path solid() throws IOException {
        Path out = dir().resolve("solid.h264");
        if (!Files.exists(out)) {
            ffmpeg("-f", "lavfi", "-i", String.format("color=c=0x%02X%02X%02X:s=%dx%d:r=30", SOLID_RGB[0], SOLID_RGB[1],
                            SOLID_RGB[2], WIDTH, HEIGHT), "-frames:v", Integer.toString(FRAMES),
                    "-c:v", "libx264", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "h264", out.toString());
        }
        return out;
    }

    /** A photo from ../shared/media scaled to 320x240, as an MP4 video, and as the PNG it was made from. */
    static synchronized Path[] photo(String name) throws IOException {
        Path video = dir().resolve(name + ".mp4");
        Path png = dir().resolve(name + "-320x240.png");
        if (!Files.exists(video)) {
            Path src = Media.path(name);
            ffmpeg("-i", src.toString(), "-vf", "scale=" + WIDTH + ":" + HEIGHT, "-frames:v", "1", png.toString());
            ffmpeg("-loop", "1", "-framerate", "30", "-i", png.toString(), "-frames:v", Integer.toString(FRAMES),
                    "-c:v", "libx264", "-crf", "12", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p", video.toString());
        }
        return new Path[] {video, png};
    }

    /** Raw H.264 of FFmpeg's moving test pattern, for the RTSP server. */
    static Path pattern() throws IOException {
        return pattern(WIDTH, HEIGHT);
    }

    /** Raw H.264 of FFmpeg's moving test pattern at a given size, for the RTSP server. */
    static synchronized Path pattern(int width, int height) throws IOException {
        Path out = dir().resolve("pattern-" + width + "x" + height + ".h264");
        if (!Files.exists(out)) {
            ffmpeg("-f", "lavfi", "-i", "testsrc2=s=" + width + "x" + height + ":r=30", "-frames:v",
                    Integer.toString(FRAMES), "-c:v", "libx264", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p",
                    "-f", "h264", out.toString());
        }
        return out;
    }

    public static void ffmpeg(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ffmpegBinary(), "-hide_banner", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffmpeg failed: " + String.join(" ", cmd) + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Debian's ffmpeg (it has libx264; the JavaCV build does not). */
    public static String ffmpegBinary() throws IOException {
        Path p = Path.of("/usr/bin/ffmpeg");
        if (!Files.isExecutable(p)) {
            throw new IOException("/usr/bin/ffmpeg is missing: install the Debian package ffmpeg (scripts/test.sh does)");
        }
        return p.toString();
    }
}
