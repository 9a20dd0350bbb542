package dev.edgelens.capture;

import dev.edgelens.ring.PixelFormat;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

/** How capture configures JavaCV's FFmpegFrameGrabber for a source (public for the decode benchmark). */
public final class Grabbers {
    private Grabbers() {
    }

    /**
     * A grabber for the settings' source, pixel format, output size, decoder and threads.
     *
     * @param decoder decoder name, or empty for FFmpeg's default
     */
    public static FFmpegFrameGrabber newGrabber(CaptureSettings settings, String decoder) {
        SourceSpec source = settings.source();
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.ffmpegInput());
        if (source.ffmpegFormat() != null) {
            g.setFormat(source.ffmpegFormat());
        }
        if (source.kind() == SourceSpec.Kind.RTSP) {
            g.setOption("rtsp_transport", settings.rtspTransport());
            // FFmpeg 8: 'timeout' (microseconds) bounds connect and every socket read; 'stimeout' is gone.
            g.setOption("timeout", Long.toString(TimeUnit.NANOSECONDS.toMicros(settings.ioTimeout().toNanos())));
            // Do not wait for 20 frames to guess a frame rate we never use: connects in ~0.3 s instead of ~1 s.
            g.setOption("fpsprobesize", "0");
        }
        g.setPixelFormat(avPixelFormat(settings.pixelFormat()));
        if (settings.outputWidth() > 0) {
            g.setImageWidth(settings.outputWidth());
            g.setImageHeight(settings.outputHeight());
        }
        if (!decoder.isEmpty()) {
            g.setVideoCodecName(decoder);
        }
        if (settings.decoderThreads() > 0) {
            g.setVideoOption("threads", Integer.toString(settings.decoderThreads()));
        }
        return g;
    }

    /**
     * The grabber's own decoded picture (JavaCV's private {@code picture} field): after
     * {@code grabFrame(..., doProcessing = false, ...)} returns a video frame, it holds the decoder's output, not
     * yet converted. JavaCV allocates it once in {@code start()} and frees it in {@code release()}, so it can be
     * looked up once per started grabber. Without processing, JavaCV leaves {@code Frame.opaque} null, so this is
     * the only way to reach it.
     *
     * @throws IllegalStateException if this JavaCV version has no such field, or the grabber is not started
     */
    static AVFrame decodedPicture(FFmpegFrameGrabber grabber) {
        try {
            Field f = FFmpegFrameGrabber.class.getDeclaredField("picture");
            f.setAccessible(true);
            AVFrame picture = (AVFrame) f.get(grabber);
            if (picture == null || picture.isNull()) {
                throw new IllegalStateException("JavaCV's FFmpegFrameGrabber has no decoded picture (not started?)");
            }
            return picture;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot reach FFmpegFrameGrabber.picture (JavaCV version changed?): " + e, e);
        }
    }

    public static int avPixelFormat(PixelFormat f) {
        return switch (f) {
            case BGR24 -> avutil.AV_PIX_FMT_BGR24;
            case RGB24 -> avutil.AV_PIX_FMT_RGB24;
            case GRAY8 -> avutil.AV_PIX_FMT_GRAY8;
        };
    }

}
