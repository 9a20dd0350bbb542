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

    /** Frames (and missed frames) per second between two progress samples {@code seconds} apart. */
    record Rate(double countPerSecond, double missedPerSecond, double seconds) {
    }

    /**
     * The rate between the first sample at or after {@code fromNanos} and the last one at or before
     * {@code toNanos}: both are the process's own cumulative counts, so the result does not depend on when the
     * harness looked, only on when the reports arrived.
     *
     * @throws IllegalStateException naming {@code who} if fewer than two reports fall inside the window
     */
    static Rate rateWithin(List<Sample> samples, long fromNanos, long toNanos, String who) {
        Sample first = null;
        Sample last = null;
        for (Sample s : samples) {
            if (s.nanos() - fromNanos >= 0 && toNanos - s.nanos() >= 0) {
                if (first == null) {
                    first = s;
                }
                last = s;
            }
        }
        if (first == null || last.nanos() == first.nanos()) {
            throw new IllegalStateException(who + ": fewer than two progress reports inside the "
                    + (toNanos - fromNanos) / 1_000_000 + " ms window (" + samples.size()
                    + " in all); is it stalled?");
        }
        if (last.count() < first.count()) {
            throw new IllegalStateException(who + ": frame count went backwards (" + first.count() + " -> "
                    + last.count() + "); the counter restarted during the window");
        }
        double seconds = (last.nanos() - first.nanos()) / 1e9;
        return new Rate((last.count() - first.count()) / seconds, (last.missed() - first.missed()) / seconds,
                seconds);
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
