package dev.edgelens.capture;

import dev.edgelens.ring.SourceState;
import org.bytedeco.ffmpeg.global.avcodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The supervisor: runs one {@link CaptureSession} at a time, watches it (no frame for the stall timeout, counting
 * the time to connect, means stalled, whatever FFmpeg is doing), and reconnects with exponential backoff and
 * jitter, forever unless a limit is set. Each state change goes to the log and into the ring header.
 *
 * <p>Settings can change while it runs ({@link #update}, e.g. from the module twin): a new source, transport,
 * output size, decoder or I/O timeout ends the current session and connects with the new settings at once;
 * a new frame-rate cap applies to the running session; the reconnect and stall settings apply from the next
 * decision they take part in.
 */
public final class CaptureLoop {
    /** How {@link #run} ended. */
    public enum Outcome { STOPPED, END_OF_SOURCE, GAVE_UP, STUCK }

    /** Sessions stuck inside FFmpeg that we tolerate at once; each holds a connection and decoder memory. */
    static final int MAX_STUCK_SESSIONS = 4;
    private static final long STUCK_GRACE_NANOS = 2_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);

    private volatile CaptureSettings settings;
    private final RingSink sink;
    private final RandomGenerator random;
    private Backoff backoff;
    private CaptureSettings backoffSettings;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Wakes the loop from a reconnect delay when the settings changed or a stop was asked for. */
    private final Object wake = new Object();
    private volatile boolean switchPending;
    private volatile long switches;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<CaptureSession> abandoned = new ArrayList<>();
    private String decoder;
    private volatile CaptureSession current;
    private volatile long sessions;

    public CaptureLoop(CaptureSettings settings, RingSink sink) {
        this(settings, sink, ThreadLocalRandom.current());
    }

    CaptureLoop(CaptureSettings settings, RingSink sink, RandomGenerator random) {
        this.settings = settings;
        this.sink = sink;
        this.random = random;
        this.decoder = chooseDecoder(settings.decoder());
    }

    private String name() {
        CaptureSettings s = settings;
        return "camera " + s.cameraId() + " (" + s.source() + ")";
    }

    /** The settings in use now. */
    public CaptureSettings settings() {
        return settings;
    }

    /**
     * Switches to {@code next} while running. The caller has validated it and keeps the camera id, ring and
     * pixel format (those need a restart: the ring is created once). Returns at once; a reconnect happens on the
     * loop's thread; a source-side change reconnects, the rest applies in place.
     */
    public void update(CaptureSettings next) {
        CaptureSettings prev = settings;
        boolean reconnect = !next.source().equals(prev.source()) || !next.rtspTransport().equals(prev.rtspTransport())
                || next.outputWidth() != prev.outputWidth() || next.outputHeight() != prev.outputHeight()
                || !next.decoder().equals(prev.decoder()) || next.decoderThreads() != prev.decoderThreads()
                || !next.ioTimeout().equals(prev.ioTimeout()) || next.pace() != prev.pace();
        if (!next.source().equals(prev.source()) || !next.ffmpegLogLevel().equals(prev.ffmpegLogLevel())) {
            FfmpegLog.install(next.source(), next.ffmpegLogLevel()); // mask the new source's credentials too
        }
        settings = next;
        sink.outputSize(next.outputWidth(), next.outputHeight());
        if (reconnect) {
            LOG.info("{}: settings changed; reconnecting with the new settings", name());
            switchPending = true;
            synchronized (wake) {
                wake.notifyAll();
            }
        } else {
            CaptureSession s = current;
            if (s != null) {
                s.maxFps(next.maxFps());
            }
            LOG.info("{}: settings changed; applied to the running session", name());
        }
    }

    /** The configured decoder if this FFmpeg build has it; otherwise software decoding, said once. */
    private String chooseDecoder(String wanted) {
        if (wanted.isEmpty()) {
            return "";
        }
        if (avcodec.avcodec_find_decoder_by_name(wanted) == null) {
            LOG.warn("{}: decoder '{}' is not available in this FFmpeg build; using software decoding", name(), wanted);
            return "";
        }
        return wanted;
    }

    /** Captures until stopped, the source ends (files without --loop) or the reconnect limit is reached. */
    public Outcome run() {
        try {
            return loop();
        } finally {
            finished.countDown();
        }
    }

    private Outcome loop() {
        while (!stopping()) {
            // Take the switch request before the settings: update() stores the settings first, so a request seen
            // here comes with its settings, and one made after this point ends the session it would miss.
            boolean switching = switchPending;
            switchPending = false;
            CaptureSettings settings = this.settings; // one consistent set per session
            if (settings != backoffSettings) {
                useBackoffOf(settings);
            }
            if (switching) {
                switches++;
                decoder = chooseDecoder(settings.decoder());
                backoff.reset();
            }
            long watchdogPollMillis = Math.max(10, Math.min(100, settings.stallTimeout().toMillis() / 20));
            long stallNanos = settings.stallTimeout().toNanos();
            CaptureSession session = new CaptureSession(settings, sink, decoder, this::onStreaming, (int) ++sessions);
            current = session;
            setState(SourceState.CONNECTING, "connecting to " + settings.source(), false);
            session.start();
            String stallReason = null;
            try {
                while (session.isAlive()) {
                    session.join(watchdogPollMillis);
                    if (stopping() || switchPending) {
                        break;
                    }
                    long silentNanos = System.nanoTime() - session.lastProgressNanos();
                    if (session.isAlive() && silentNanos > stallNanos) {
                        stallReason = session.framesPublished() == 0
                                ? "no frame within " + millis(stallNanos) + " of connecting"
                                : "stalled: no frame for " + millis(silentNanos);
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopRequested.countDown();
            }
            if (session.isAlive()) {
                session.abandon();
                if (stallReason != null) {
                    sink.state(SourceState.RECONNECTING, stallReason); // tell readers now, not after the wait below
                }
                leaveBehind(session);
            }
            if (stopping()) {
                break;
            }
            if (switchPending) {
                continue; // new settings: connect now, no backoff
            }
            if (session.framesPublished() > 0) {
                backoff.reset();
            }
            CaptureSession.End end = session.end();
            String reason = stallReason != null ? stallReason : session.reason();
            if (end == CaptureSession.End.END_OF_STREAM && !settings.source().isNetwork()
                    && settings.source().kind() != SourceSpec.Kind.V4L2) {
                if (settings.loop() && session.framesPublished() + session.framesDecoded() > 0) {
                    LOG.debug("{}: end of file, starting again", name());
                    continue;
                }
                setState(SourceState.STOPPED, "end of source", false);
                return Outcome.END_OF_SOURCE;
            }
            if (end == CaptureSession.End.DECODER_UNAVAILABLE) {
                LOG.warn("{}: decoder '{}' failed to open ({}); falling back to software decoding", name(), decoder, reason);
                decoder = "";
                continue;
            }
            int stuck = stuckSessions();
            if (stuck > MAX_STUCK_SESSIONS) {
                String why = stuck + " sessions are stuck inside FFmpeg and do not return; exiting so that"
                        + " the supervisor (e.g. IoT Edge) restarts the process";
                LOG.error("{}: {}", name(), why);
                setState(SourceState.STOPPED, why, false);
                return Outcome.STUCK;
            }
            if (settings.maxReconnects() >= 0 && backoff.failures() >= settings.maxReconnects()) {
                LOG.error("{}: {}; giving up after {} reconnect attempts (--max-reconnects)", name(), reason,
                        backoff.failures());
                setState(SourceState.STOPPED, "gave up: " + reason, false);
                return Outcome.GAVE_UP;
            }
            long delay = backoff.nextDelayNanos();
            setState(SourceState.RECONNECTING, reason, true);
            if (session.framesPublished() > 0) {
                LOG.warn("{}: {}; reconnecting in {} (attempt {})", name(), reason, millis(delay), backoff.failures());
            } else {
                LOG.error("{}: {}; reconnecting in {} (attempt {})", name(), reason, millis(delay), backoff.failures());
            }
            if (!pause(delay)) {
                break;
            }
        }
        CaptureSession last = current;
        if (last != null && last.isAlive()) {
            last.abandon();
        }
        setState(SourceState.STOPPED, "stopped", false);
        return Outcome.STOPPED;
    }

    /** Reconnect delays follow the settings' backoff options; new options start counting failures afresh. */
    private void useBackoffOf(CaptureSettings s) {
        CaptureSettings old = backoffSettings;
        backoffSettings = s;
        if (old != null && old.reconnectInitialDelay().equals(s.reconnectInitialDelay())
                && old.reconnectMaxDelay().equals(s.reconnectMaxDelay()) && old.reconnectJitter() == s.reconnectJitter()) {
            return;
        }
        backoff = new Backoff(s.reconnectInitialDelay(), s.reconnectMaxDelay(), s.reconnectJitter(), random);
    }

    /**
     * Waits out a reconnect delay; returns early when new settings arrive. False when stopping (or interrupted).
     */
    private boolean pause(long nanos) {
        long end = System.nanoTime() + nanos;
        synchronized (wake) {
            try {
                for (long left = nanos; left > 0 && !stopping() && !switchPending; left = end - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(wake, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopping();
    }

    /**
     * Gives an abandoned session a moment to close. One still inside FFmpeg is left behind; it counts as stuck
     * once it outlives the I/O timeout (plus a grace period), by which time a silent socket would have failed.
     */
    private void leaveBehind(CaptureSession session) {
        try {
            session.join(Math.min(1000, Math.max(50, settings.ioTimeout().toMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (session.isAlive()) {
            abandoned.add(session);
            LOG.warn("{}: the stalled session is still inside FFmpeg; leaving it behind to close by itself", name());
        }
    }

    /** Abandoned sessions that stayed inside FFmpeg longer than any read could take. */
    private int stuckSessions() {
        abandoned.removeIf(s -> !s.isAlive());
        long limit = settings.ioTimeout().toNanos() + STUCK_GRACE_NANOS;
        long now = System.nanoTime();
        int n = 0;
        for (CaptureSession s : abandoned) {
            if (now - s.abandonedAtNanos() > limit) {
                n++;
            }
        }
        return n;
    }

    private void onStreaming(CaptureSession session, int width, int height, String codec) {
        setState(SourceState.STREAMING, width + "x" + height + " " + codec + " -> " + settings.pixelFormat(), false);
    }

    private void setState(SourceState state, String detail, boolean warned) {
        String masked = settings.source().scrub(detail);
        sink.state(state, masked);
        if (!warned) {
            LOG.info("{}: {}{}", name(), state, masked.isEmpty() ? "" : " (" + masked + ")");
        }
    }

    /** Asks {@link #run} to stop; returns at once. */
    public void stop() {
        stopRequested.countDown();
        synchronized (wake) {
            wake.notifyAll();
        }
        CaptureSession s = current;
        if (s != null) {
            s.abandon();
        }
    }

    /** Waits until {@link #run} has returned. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private boolean stopping() {
        return stopRequested.getCount() == 0;
    }

    /** Connection attempts so far (the first one included). */
    public long sessions() {
        return sessions;
    }

    /** Times the loop reconnected because the settings changed. */
    public long switches() {
        return switches;
    }

    private static String millis(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        return ms >= 10_000 ? (ms / 1000) + "s" : ms >= 1000 ? String.format("%.1fs", ms / 1000.0) : ms + "ms";
    }
}
