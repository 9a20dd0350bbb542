package dev.edgelens.inference.policy;

import dev.edgelens.inference.event.Counters;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.event.SourceInfo;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns the stream of per-frame results into few events, per camera:
 * <ul>
 *   <li>a classification event when the top label changes to a new confident label that held for
 *       {@code hysteresisFrames} consecutive frames (frames below {@code minConfidence} have no
 *       label; going from a label to "no confident label" sends nothing, so a flicker does not
 *       resend the same label);</li>
 *   <li>at most one classification event per {@code minInterval}; a change inside the interval is
 *       sent when it ends, if the label still holds;</li>
 *   <li>a heartbeat every {@code heartbeat} with the last result, source state and counters;</li>
 *   <li>a source-state event whenever the camera's source or writer state changes.</li>
 * </ul>
 * A steady scene therefore sends only heartbeats. Called from the inference thread only; time is
 * passed in (milliseconds), which keeps the rules testable.
 */
public final class EventPolicy {

    private final Consumer<Event> out;
    private final Map<String, CameraState> cameras = new HashMap<>();
    private PolicySettings settings;

    public EventPolicy(PolicySettings settings, Consumer<Event> out) {
        this.settings = Objects.requireNonNull(settings);
        this.out = out;
    }

    /** Settings in force from now on (e.g. after a model switch with sidecar overrides). */
    public void settings(PolicySettings settings) {
        this.settings = Objects.requireNonNull(settings);
    }

    public PolicySettings settings() {
        return settings;
    }

    private static final class CameraState {
        final Result last = new Result();
        final Result ofCurrent = new Result();
        boolean hasLast;
        ModelRef model;
        int current = -1;
        int candidate = -1;
        int candidateFrames;
        int lastSent = -1;
        boolean due;
        long lastSentAt = Long.MIN_VALUE;
        long lastHeartbeat;
        long processed;
        long suppressed;
        long skipped;
        SourceInfo source;

        void resetLabels() {
            current = -1;
            candidate = -1;
            candidateFrames = 0;
            lastSent = -1;
            due = false;
        }
    }

    private CameraState state(String cameraId, long now) {
        CameraState s = cameras.get(cameraId); // plain get: a capturing lambda would allocate every frame
        if (s == null) {
            s = new CameraState();
            s.lastHeartbeat = now;
            cameras.put(cameraId, s);
        }
        return s;
    }

    /** Registers a camera so it gets heartbeats even before its first frame. */
    public void addCamera(String cameraId, long now) {
        state(cameraId, now);
    }

    /** One classified frame; {@code r} is only read during the call. */
    public void onResult(Result r, long now) {
        CameraState s = state(r.cameraId, now);
        if (!Objects.equals(s.model, r.model)) {
            // A new model's classes are unrelated to the old ones: start over.
            s.resetLabels();
            s.model = r.model;
        }
        s.processed++;
        s.last.copyFrom(r);
        s.hasLast = true;
        int label = r.count > 0 && r.score[0] >= settings.minConfidence() ? r.index[0] : -1;
        if (label == s.candidate) {
            s.candidateFrames++;
        } else {
            s.candidate = label;
            s.candidateFrames = 1;
        }
        if (s.candidate != s.current && s.candidateFrames >= settings.hysteresisFrames()) {
            s.current = s.candidate;
            s.due = s.current >= 0 && s.current != s.lastSent;
        }
        if (s.current >= 0 && label == s.current) {
            s.ofCurrent.copyFrom(r);
        }
        if (!sendIfDue(s, now)) {
            s.suppressed++;
        }
    }

    private boolean sendIfDue(CameraState s, long now) {
        if (!s.due || (s.lastSentAt != Long.MIN_VALUE && now - s.lastSentAt < settings.minIntervalMillis())) {
            return false;
        }
        out.accept(s.ofCurrent.toEvent());
        s.due = false;
        s.lastSent = s.current;
        s.lastSentAt = now;
        return true;
    }

    /** The camera's source or writer state as read now; sends a source-state event on change. */
    public void onSource(String cameraId, SourceInfo source, long now) {
        CameraState s = state(cameraId, now);
        if (s.source == null || !s.source.state().equals(source.state()) || !s.source.writer().equals(source.writer())
                || !Objects.equals(s.source.detail(), source.detail())) {
            s.source = source;
            out.accept(Event.sourceState(cameraId, source));
        }
    }

    /** Frames the camera produced that were never classified (cumulative, from the ring reader). */
    public void onSkipped(String cameraId, long skippedTotal, long now) {
        state(cameraId, now).skipped = skippedTotal;
    }

    /** Time passes: sends deferred changes whose interval ended, and heartbeats that are due. */
    public void tick(long now, ModelRef runningModel) {
        for (Map.Entry<String, CameraState> e : cameras.entrySet()) {
            CameraState s = e.getValue();
            if (s.due && s.current >= 0) {
                sendIfDue(s, now);
            }
            if (now - s.lastHeartbeat >= settings.heartbeatMillis()) {
                s.lastHeartbeat = now;
                out.accept(Event.heartbeat(e.getKey(), runningModel,
                        s.hasLast ? s.last.toEvent() : null, s.source,
                        new Counters(s.processed, s.skipped, s.suppressed)));
            }
        }
    }
}
