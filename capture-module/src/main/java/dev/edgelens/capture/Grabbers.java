package dev.edgelens.capture;

import dev.edgelens.ring.PixelFormat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;

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

    public static int avPixelFormat(PixelFormat f) {
        return switch (f) {
            case BGR24 -> avutil.AV_PIX_FMT_BGR24;
            case RGB24 -> avutil.AV_PIX_FMT_RGB24;
            case GRAY8 -> avutil.AV_PIX_FMT_GRAY8;
        };
    }

}
