package dev.edgelens.bench.shm;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The progress lines the measured processes print and how the harness reads them back. Every reader reports a
 * cumulative count of delivered frames (and, for the ring, missed ones); the harness stamps each line when it
 * arrives and divides count differences by time differences.
 */
final class ChildProtocol {
    /** How often the ring processes report; fpsdisplaysink is set to the same interval. */
    static final int REPORT_INTERVAL_MS = 200;

    /** Ring reader: {@code delivered <n> missed <m>}. */
    static final Pattern RING_READER = Pattern.compile("^delivered (\\d+) missed (\\d+)$");
    /** Ring writer: {@code published <n>}. */
    static final Pattern RING_WRITER = Pattern.compile("^published (\\d+)$");
    /**
     * GStreamer's fpsdisplaysink, printed by {@code gst-launch-1.0 -v} as a property notification, e.g.
     * {@code /GstPipeline:pipeline0/GstFPSDisplaySink:fpsdisplaysink0: last-message = rendered: 925, dropped: 0,
     * current: 580.42, average: 611.32}. "rendered" is cumulative; with sync=false nothing is dropped.
     */
    static final Pattern FPS_DISPLAY_SINK =
            Pattern.compile("last-message = rendered: (\\d+), dropped: (\\d+)");

    private ChildProtocol() {
    }

    static String publishedLine(long published) {
        return "published " + published;
    }

    static String deliveredLine(long delivered, long missed) {
        return "delivered " + delivered + " missed " + missed;
    }

    /** One progress report: cumulative frames counted and (where known) missed, stamped on arrival. */
    record Sample(long nanos, long count, long missed) {
    }

    /**
     * Parses one line against a progress pattern (group 1: count; group 2 if present: missed, for
     * fpsdisplaysink "dropped"). Returns null for any other line.
     */
    static Sample parse(Pattern pattern, String line, long nanos) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            return null;
        }
        long missed = m.groupCount() >= 2 ? Long.parseLong(m.group(2)) : 0;
        return new Sample(nanos, Long.parseLong(m.group(1)), missed);
    }

    /** A window edge or a stretch this long without a newer count means the transport stalled. */
    static final long STALL_NANOS = 5L * REPORT_INTERVAL_MS * 1_000_000;

    /**
     * Frames (and missed frames) per second over {@code seconds}; {@code stallSeconds} is the longest stretch of
     * the window in which the count was not seen to grow (normally about one report interval).
     */
    record Rate(double countPerSecond, double missedPerSecond, double seconds, double stallSeconds) {
        boolean stalled() {
            return stallSeconds * 1e9 > STALL_NANOS;
        }
    }

    /**
     * The rate over a window. Normally it is taken between the first report at or after {@code fromNanos} and the
     * last one at or before {@code toNanos}: both are the process's own cumulative counts, so the result does not
     * depend on when the harness looked. A reader that reports only when frames arrive (fpsdisplaysink) falls
     * silent when the transport stalls; if the reports do not reach within {@link #STALL_NANOS} of both ends of
     * the window, the frames counted are divided by the whole window instead, so a stall lowers the rate rather
     * than being cut out of it.
     *
     * @throws IllegalStateException naming {@code who} if it never reported before the window's end, or if its
     *                               count went backwards
     */
    static Rate rateWithin(List<Sample> samples, long fromNanos, long toNanos, String who) {
        Sample before = null;
        Sample first = null;
        Sample last = null;
        Sample previous = null;
        long lastProgress = fromNanos;
        long longestStall = 0;
        for (Sample s : samples) {
            if (fromNanos - s.nanos() > 0) {
                before = s;
            } else if (toNanos - s.nanos() >= 0) {
                if (first == null) {
                    first = s;
                    previous = before;
                }
                if (previous != null && s.count() < previous.count()) {
                    throw new IllegalStateException(who + ": frame count went backwards (" + previous.count()
                            + " -> " + s.count() + "); the counter restarted during the window");
                }
                if (previous != null && s.count() > previous.count()) {
                    longestStall = Math.max(longestStall, s.nanos() - lastProgress);
                    lastProgress = s.nanos();
                }
                previous = s;
                last = s;
            }
        }
        longestStall = Math.max(longestStall, toNanos - lastProgress);
        double stallSeconds = longestStall / 1e9;
        boolean covered = first != null && last.nanos() != first.nanos()
                && first.nanos() - fromNanos <= STALL_NANOS && toNanos - last.nanos() <= STALL_NANOS;
        if (covered) {
            double seconds = (last.nanos() - first.nanos()) / 1e9;
            return new Rate((last.count() - first.count()) / seconds, (last.missed() - first.missed()) / seconds,
                    seconds, stallSeconds);
        }
        // The count at the window's start: the first report in it if it came promptly, else the last one before.
        Sample start = first != null && (first.nanos() - fromNanos <= STALL_NANOS || before == null) ? first : before;
        Sample end = last != null ? last : before;
        if (start == null) {
            throw new IllegalStateException(who + ": no progress report before the end of the "
                    + (toNanos - fromNanos) / 1_000_000 + " ms window");
        }
        double seconds = (toNanos - fromNanos) / 1e9;
        return new Rate((end.count() - start.count()) / seconds, (end.missed() - start.missed()) / seconds, seconds,
                stallSeconds);
    }

    /** Set when the process's standard input reaches end of file: the harness closed it or is gone. */
    static final class StopSignal {
        private volatile boolean requested;

        boolean requested() {
            return requested;
        }
    }

    static StopSignal stopWhenStdinCloses() {
        StopSignal signal = new StopSignal();
        Thread t = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() != -1) {
                    // the harness sends nothing; only end of file matters
                }
            } catch (IOException e) {
                // a broken pipe means the same: the harness is gone
            }
            signal.requested = true;
        }, "stdin-watch");
        t.setDaemon(true);
        t.start();
        return signal;
    }
}
