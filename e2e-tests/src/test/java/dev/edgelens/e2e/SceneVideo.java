package dev.edgelens.e2e;

import dev.edgelens.capture.TestVideos;
import dev.edgelens.inference.TestSupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test video made at test time from the shared photos with Debian's ffmpeg: raw H.264 (Annex B,
 * libx264, a keyframe every 30 frames, no B-frames) for the RTSP test server, at a modest size and
 * frame rate to keep CI light, with the compressed size of every frame (from ffprobe) so that the
 * bytes streamed can be counted.
 */
record SceneVideo(Path h264, int fps, int framesPerScene, List<String> scenes, long[] frameBytes) {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    static final int FPS = 15;

    /** Fills the 640x480 frame as a camera would (scaled up, centre cut), whatever the photo's aspect. */
    private static final String FIT = "scale=" + WIDTH + ":" + HEIGHT + ":force_original_aspect_ratio=increase,crop="
            + WIDTH + ":" + HEIGHT + ",setsar=1";
    private static final String X264 = "-c:v libx264 -preset veryfast -g 30 -bf 0 -pix_fmt yuv420p -f h264";

    int frames() {
        return frameBytes.length;
    }

    /** The 0-based scene shown in frame {@code index} (0-based; the server loops the file). */
    int sceneOf(long index) {
        return (int) ((index % frames()) / framesPerScene);
    }

    /**
     * H.264 bytes of the first {@code count} frames the server sent (it starts each client at the
     * first frame and loops the file).
     */
    long bytesOfFirst(long count) {
        long sum = 0;
        for (long i = 0; i < count; i++) {
            sum += frameBytes[(int) (i % frameBytes.length)];
        }
        return sum;
    }

    /** 10 s of chelsea.png (a cat), 10 s of coffee.png (an espresso), 10 s of the cat again. */
    static SceneVideo catCoffeeCat(Path dir) throws IOException {
        Path cat = still(dir, "cat", "chelsea.png", "");
        Path coffee = still(dir, "coffee", "coffee.png", "");
        return encode(dir.resolve("cat-coffee-cat.h264"), 10, List.of("cat", "coffee", "cat"), List.of(cat, coffee, cat));
    }

    /**
     * chelsea.png for 8 s each: normal, darkened (x0.15 exposure), normal, blurred (Gaussian sigma
     * 4 px at 640x480, about 1.5 px at the model's 224x224: sharpness about 0.38 through H.264, against
     * the model's threshold of 0.45 and about 0.62 for the normal frames), normal. A stronger blur
     * reads sharper after H.264: 8-bit quantisation and compression put fine detail back (sigma 8 px
     * measured 0.44, too close to the threshold).
     */
    static SceneVideo okDarkOkBlurredOk(Path dir) throws IOException {
        Path ok = still(dir, "ok", "chelsea.png", "");
        Path dark = still(dir, "dark", "chelsea.png", ",colorchannelmixer=rr=0.15:gg=0.15:bb=0.15");
        Path blurred = still(dir, "blurred", "chelsea.png", ",gblur=sigma=4");
        return encode(dir.resolve("ok-dark-ok-blurred-ok.h264"), 8, List.of("ok", "dark", "ok", "blurred", "ok"),
                List.of(ok, dark, ok, blurred, ok));
    }

    /** A photo fitted to the frame, with {@code filters} (",filter,..." or ""), as a PNG: filtered once, not per frame. */
    private static Path still(Path dir, String name, String photo, String filters) throws IOException {
        Path png = dir.resolve(name + ".png");
        TestVideos.ffmpeg("-i", TestSupport.media(photo).toString(), "-vf", FIT + filters, "-frames:v", "1",
                png.toString());
        return png;
    }

    /**
     * {@code seconds} of each still in turn, as one H.264 stream. Each still is decoded once and
     * repeated by the loop filter (an image input looped with -loop 1 is decoded again for every
     * frame: four times the CPU).
     */
    private static SceneVideo encode(Path out, int seconds, List<String> scenes, List<Path> stills) throws IOException {
        int perScene = seconds * FPS;
        List<String> cmd = new ArrayList<>();
        StringBuilder graph = new StringBuilder();
        for (int k = 0; k < stills.size(); k++) {
            cmd.addAll(List.of("-i", stills.get(k).toString()));
            graph.append('[').append(k).append(":v]format=yuv420p,loop=loop=").append(perScene - 1)
                    .append(":size=1:start=0,setpts=N/").append(FPS).append("/TB[s").append(k).append("];");
        }
        for (int k = 0; k < stills.size(); k++) {
            graph.append("[s").append(k).append(']');
        }
        graph.append("concat=n=").append(stills.size()).append(":v=1:a=0[v]");
        cmd.addAll(List.of("-filter_complex", graph.toString(), "-map", "[v]", "-r", Integer.toString(FPS),
                "-frames:v", Integer.toString(stills.size() * perScene)));
        cmd.addAll(List.of(X264.split(" ")));
        cmd.add(out.toString());
        TestVideos.ffmpeg(cmd.toArray(String[]::new));
        return new SceneVideo(out, FPS, perScene, scenes, frameSizes(out));
    }

    /** The size of every access unit in the file, in order, from Debian's ffprobe. */
    private static long[] frameSizes(Path h264) throws IOException {
        String ffprobe = Path.of(TestVideos.ffmpegBinary()).resolveSibling("ffprobe").toString();
        Process p = new ProcessBuilder(ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries",
                "packet=size", "-of", "csv=p=0", h264.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("ffprobe failed on " + h264 + ": " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return text.lines().map(String::trim).filter(l -> !l.isEmpty()).mapToLong(Long::parseLong).toArray();
    }
}
