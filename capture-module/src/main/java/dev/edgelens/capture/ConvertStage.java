package dev.edgelens.capture;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

import java.util.concurrent.locks.LockSupport;

/**
 * Pixel conversion on its own thread, so that decoding frame N+1 overlaps converting frame N into the ring (as
 * FFmpeg's own command line does). The decoding thread hands over a new reference to the decoded picture
 * ({@code av_frame_ref}: no pixels are copied), at most {@link #DEPTH} at a time, in order. Single producer,
 * single consumer, through two counters and park/unpark: a hand-over allocates nothing.
 *
 * <p>Never hangs the session: the converter only runs swscale and the sink's short critical section, the
 * producer waits for it with a bounded park and gives up if it has stopped, failed or was refused, and
 * {@link #close} waits a bounded time.
 */
final class ConvertStage implements AutoCloseable {
    /** Publishes one picture; false = the session no longer owns the ring and must stop. */
    interface Publisher {
        boolean publish(AVFrame picture, long streamMicros, long epochMicros, long monoNanos);
    }

    /** Pictures in flight: one being converted, one waiting. */
    static final int DEPTH = 2;
    /** Safety net only: each side unparks the other when it moves on. */
    private static final long PARK_NANOS = 50_000_000L;
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final Publisher publisher;
    private final AVFrame[] frames = new AVFrame[DEPTH];
    private final long[] streamMicros = new long[DEPTH];
    private final long[] epochMicros = new long[DEPTH];
    private final long[] monoNanos = new long[DEPTH];
    private final Thread thread;
    private volatile Thread producer;
    private volatile long submitted;
    private volatile long done;
    private volatile boolean closing;
    private volatile boolean refused;
    private volatile RuntimeException failure;

    ConvertStage(Publisher publisher, String threadName) {
        this.publisher = publisher;
        for (int i = 0; i < DEPTH; i++) {
            frames[i] = avutil.av_frame_alloc();
            if (frames[i] == null || frames[i].isNull()) {
                freeFrames();
                throw new OutOfMemoryError("av_frame_alloc failed");
            }
        }
        thread = new Thread(this::convertLoop, threadName);
        thread.setDaemon(true); // like the session's own thread: never keeps the JVM alive
        thread.start();
    }

    /**
     * Hands a decoded picture over for conversion; waits while {@link #DEPTH} are in flight.
     *
     * @return false if the stage stopped: the publisher refused a frame or conversion failed ({@link #failure})
     */
    boolean submit(AVFrame picture, long stream, long epoch, long mono) {
        producer = Thread.currentThread();
        long n = submitted;
        while (n - done >= DEPTH) {
            if (stopped()) {
                return false;
            }
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        if (stopped()) {
            return false;
        }
        int i = (int) (n % DEPTH);
        int rc = avutil.av_frame_ref(frames[i], picture);
        if (rc < 0) {
            throw new IllegalStateException("av_frame_ref failed (" + rc + ")");
        }
        streamMicros[i] = stream;
        epochMicros[i] = epoch;
        monoNanos[i] = mono;
        submitted = n + 1; // volatile write: publishes the slot's fields to the converter
        LockSupport.unpark(thread);
        return true;
    }

    private boolean stopped() {
        return refused || failure != null || !thread.isAlive();
    }

    /** Why conversion stopped, or null. */
    RuntimeException failure() {
        return failure;
    }

    private void convertLoop() {
        while (true) {
            boolean last = closing; // read before submitted: the producer writes submitted first
            long d = done;
            if (d == submitted) {
                if (last) {
                    return;
                }
                LockSupport.parkNanos(this, PARK_NANOS);
                continue;
            }
            int i = (int) (d % DEPTH);
            try {
                if (!refused && failure == null
                        && !publisher.publish(frames[i], streamMicros[i], epochMicros[i], monoNanos[i])) {
                    refused = true;
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                avutil.av_frame_unref(frames[i]);
            }
            done = d + 1;
            Thread p = producer;
            if (p != null) {
                LockSupport.unpark(p);
            }
        }
    }

    /**
     * Lets the converter finish the pictures already handed over (unless refused), then stops it. Frees the
     * frames only if it stopped within a bounded wait; otherwise leaves them (a small leak beats a crash).
     */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            freeFrames();
        }
    }

    private void freeFrames() {
        for (int i = 0; i < DEPTH; i++) {
            if (frames[i] != null && !frames[i].isNull()) {
                avutil.av_frame_free(frames[i]);
            }
            frames[i] = null;
        }
    }
}
