package dev.edgelens.inference.engine;

/**
 * Frames per second over a sliding window of about ten seconds, sampled once a second by the
 * inference loop (no allocation) and read by any thread.
 */
final class FrameRate {

    private static final int SECONDS = 10;
    private final long[] frames = new long[SECONDS + 1];
    private final long[] times = new long[SECONDS + 1];
    private int samples;
    private int head;
    private long nextSample;
    private volatile double perSecond;

    /** Records the frame count if a second passed since the last sample; true when it did. */
    boolean sample(long nowMillis, long framesTotal) {
        if (nowMillis < nextSample) {
            return false;
        }
        nextSample = nowMillis + 1000;
        head = (head + 1) % frames.length;
        frames[head] = framesTotal;
        times[head] = nowMillis;
        if (samples < frames.length) {
            samples++;
        }
        if (samples > 1) {
            int oldest = (head - samples + 1 + frames.length) % frames.length;
            long dt = nowMillis - times[oldest];
            perSecond = dt > 0 ? (framesTotal - frames[oldest]) * 1000.0 / dt : 0;
        }
        return true;
    }

    double perSecond() {
        return perSecond;
    }
}
