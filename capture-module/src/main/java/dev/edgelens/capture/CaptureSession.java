package dev.edgelens.capture;

import dev.edgelens.ring.SourceState;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;

/**
 * One connection to the source, on its own thread: open with FFmpeg, then decode and publish until the source
 * ends or fails, or the supervisor gives up on it ({@link #abandon}). FFmpeg calls cannot be interrupted from
 * outside (a stream that keeps sending RTCP but no video blocks inside av_read_frame despite the I/O timeout),
 * so the supervisor never waits for a session: it abandons a stalled one and starts the next, and the
 * abandoned session closes its grabber whenever FFmpeg returns.
 */
final class CaptureSession implements Runnable {
    /** How a session ended. */
    enum End { RUNNING, END_OF_STREAM, FAILED, DECODER_UNAVAILABLE, ABANDONED }

    private static final Logger LOG = LoggerFactory.getLogger(CaptureSession.class);

    private final CaptureSettings settings;
    private final RingSink sink;
    private final String decoder;
    private final Listener listener;
    private final Thread thread;
    private final FrameRateCap cap;

    private volatile long lastProgressNanos;
    private volatile boolean abandoned;
    private volatile long abandonedAtNanos;
    private volatile End end = End.RUNNING;
    private volatile String reason = "";
    private volatile long framesPublished;
    private volatile long framesDecoded;
    private volatile String codecName = "";

    /** Told when the first frame arrived. */
    interface Listener {
        void streaming(CaptureSession session, int width, int height, String codec);
    }

    /** @param decoder decoder name to use, or empty for FFmpeg's default */
    CaptureSession(CaptureSettings settings, RingSink sink, String decoder, Listener listener, int number) {
        this.settings = settings;
        this.sink = sink;
        this.decoder = decoder;
        this.listener = listener;
        this.cap = new FrameRateCap(settings.maxFps());
        this.thread = new Thread(this, "capture-" + settings.cameraId() + "-" + number);
        this.thread.setDaemon(true); // a session stuck in FFmpeg must not keep the JVM from exiting
    }

    /** Changes the frame-rate cap of this running session. */
    void maxFps(double fps) {
        cap.maxFps(fps);
    }

    void start() {
        lastProgressNanos = System.nanoTime();
        sink.claim(this);
        thread.start();
    }

    @Override
    public void run() {
        FFmpegFrameGrabber grabber = Grabbers.newGrabber(settings, decoder);
        boolean started = false;
        try {
            grabber.start();
            started = true;
            if (abandoned) {
                return;
            }
            if (!grabber.hasVideo()) {
                finish(End.FAILED, "not a video source: no video stream (format " + grabber.getFormat() + ")");
                return;
            }
            codecName = grabber.getVideoCodecName();
            ConvertStage stage = new ConvertStage(this::publishConverted, thread.getName() + "-convert");
            try {
                grabLoop(grabber, Grabbers.decodedPicture(grabber), stage);
            } finally {
                stage.close(); // publishes what was handed over; before the grabber frees the decoder
            }
            if (stage.failure() != null) {
                throw stage.failure(); // a conversion failed after the last hand-over
            }
        } catch (Exception | LinkageError e) {
            if (!abandoned) {
                boolean decoderFault = !decoder.isEmpty() && FfmpegErrors.isDecoderOpenFailure(e);
                finish(decoderFault ? End.DECODER_UNAVAILABLE : End.FAILED, FfmpegErrors.describe(e, settings.source()));
            }
        } finally {
            try {
                if (started) {
                    grabber.stop();
                }
                grabber.release();
            } catch (Exception e) {
                LOG.debug("closing the grabber: {}", settings.source().scrub(e.getMessage()));
            }
            if (abandoned && end == End.RUNNING) {
                end = End.ABANDONED;
            }
        }
    }

    private void grabLoop(FFmpegFrameGrabber grabber, AVFrame picture, ConvertStage stage) throws Exception {
        boolean pace = settings.pace() && settings.source().isUnpaced();
        long firstStreamMicros = Long.MIN_VALUE;
        long firstMonoNanos = 0;
        while (!abandoned) {
            // Audio and data packets come back too, so this call returns per packet, not only per picture.
            // No processing: JavaCV leaves the decoded picture unconverted; the convert stage's thread has swscale
            // write it straight into a ring slot while this thread decodes the next one (JavaCV would convert here,
            // into its own buffer, which we would then copy).
            Frame frame = grabber.grabFrame(true, true, false, false, true);
            if (frame == null) {
                finish(End.END_OF_STREAM, settings.source().isNetwork()
                        ? "connection lost: the stream ended or a read timed out" : "end of stream");
                return;
            }
            if (frame.type != Frame.Type.VIDEO || picture.width() <= 0) {
                continue; // not a picture; the supervisor's watchdog still counts time since the last one
            }
            long mono = System.nanoTime();
            lastProgressNanos = mono;
            framesDecoded++;
            if (pace) {
                if (firstStreamMicros == Long.MIN_VALUE || frame.timestamp < firstStreamMicros) {
                    firstStreamMicros = frame.timestamp; // first frame, or the stream's clock went back
                    firstMonoNanos = mono;
                }
                long due = firstMonoNanos + (frame.timestamp - firstStreamMicros) * 1000;
                long wait = due - mono;
                if (wait > 1_000_000_000L) { // a jump in the stream's clock: start pacing from here
                    firstStreamMicros = frame.timestamp;
                    firstMonoNanos = mono;
                } else if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    mono = System.nanoTime();
                    lastProgressNanos = mono;
                }
            }
            if (!cap.allow(mono)) {
                continue;
            }
            long epochMicros = System.currentTimeMillis() * 1000;
            if (!stage.submit(picture, frame.timestamp, epochMicros, mono)) {
                if (stage.failure() != null) {
                    throw stage.failure();
                }
                return; // abandoned by the supervisor, or shutting down
            }
        }
    }

    /** On the convert stage's thread: one picture into the ring. */
    private boolean publishConverted(AVFrame picture, long streamMicros, long epochMicros, long monoNanos) {
        if (abandoned || !sink.publish(this, picture, streamMicros, epochMicros, monoNanos)) {
            return false;
        }
        long n = framesPublished + 1; // this thread is the only writer
        framesPublished = n;
        if (n == 1) {
            listener.streaming(this, sink.outputWidth(picture.width()), sink.outputHeight(picture.height()), codecName);
        }
        return true;
    }

    private void finish(End how, String why) {
        reason = why;
        end = how;
    }

    /** The supervisor gives up on this session: it must not publish again, and closes when FFmpeg returns. */
    void abandon() {
        if (!abandoned) {
            abandonedAtNanos = System.nanoTime();
            abandoned = true;
        }
    }

    long abandonedAtNanos() {
        return abandonedAtNanos;
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    long lastProgressNanos() {
        return lastProgressNanos;
    }

    End end() {
        return end;
    }

    String reason() {
        return reason;
    }

    long framesPublished() {
        return framesPublished;
    }

    long framesDecoded() {
        return framesDecoded;
    }

    /** For log lines: the state the supervisor should report while this session runs. */
    SourceState state() {
        return framesPublished > 0 ? SourceState.STREAMING : SourceState.CONNECTING;
    }
}
