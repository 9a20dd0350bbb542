package dev.edgelens.capture;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential (doubling from the initial delay up to the maximum) with random jitter that
 * shortens each delay by up to a fraction, so many cameras that failed together do not reconnect in lockstep.
 */
final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final double jitter;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration initial, Duration max, double jitter, RandomGenerator random) {
        if (initial.isNegative() || max.compareTo(initial) < 0 || !(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("backoff: need 0 <= initial <= max and jitter in 0..1, got " + initial
                    + ", " + max + ", " + jitter);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
        this.random = random;
    }

    /** Counts a failed attempt and returns how long to wait before the next one. */
    long nextDelayNanos() {
        int exponent = Math.min(failures, 62);
        failures++;
        long base = initialNanos;
        for (int i = 0; i < exponent && base < maxNanos; i++) {
            base *= 2;
        }
        base = Math.min(base, maxNanos);
        return base - (long) (base * jitter * random.nextDouble());
    }

    /** Failed attempts in a row since the last success. */
    int failures() {
        return failures;
    }

    /** A connection worked: the next failure starts from the initial delay again. */
    void reset() {
        failures = 0;
    }
}
