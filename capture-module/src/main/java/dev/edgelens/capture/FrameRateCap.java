package dev.edgelens.capture;

/**
 * Decides which decoded frames to publish so that at most N frames per second reach the ring. Published frames
 * are at least 90% of a period apart (the slack lets a 30 fps source capped at 10 keep every third frame
 * despite arrival jitter); after a gap it starts over instead of publishing a burst.
 */
final class FrameRateCap {
    private volatile long periodNanos;
    private volatile long slackNanos;
    private long nextDueNanos;
    private volatile boolean first = true;

    /** @param maxFps frames per second, 0 = publish everything */
    FrameRateCap(double maxFps) {
        maxFps(maxFps);
    }

    /** Changes the cap while frames flow (from another thread; the next frame sees it). */
    void maxFps(double maxFps) {
        long period = maxFps <= 0 ? 0 : (long) (1_000_000_000L / maxFps);
        slackNanos = period / 10;
        periodNanos = period;
        first = true;
    }

    /** Whether the frame decoded at {@code nowNanos} (System.nanoTime) is published. */
    boolean allow(long nowNanos) {
        if (periodNanos == 0) {
            return true;
        }
        if (!first && nowNanos - (nextDueNanos - slackNanos) < 0) {
            return false;
        }
        // Stay on the grid when on time; after a late frame or a gap the grid restarts from now, so the next
        // published frame is always at least period - slack later.
        nextDueNanos = first ? nowNanos + periodNanos : Math.max(nextDueNanos + periodNanos, nowNanos + periodNanos);
        first = false;
        return true;
    }

    /** Starts over, e.g. after a reconnect. */
    void reset() {
        first = true;
    }
}
