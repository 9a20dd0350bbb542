package dev.edgelens.inference.policy;

import dev.edgelens.inference.model.Sidecar;

/**
 * When results become events.
 *
 * @param topK              classes listed per event (1..20)
 * @param minConfidence     a frame whose top-1 score is below this has no confident label (0..1)
 * @param hysteresisFrames  consecutive frames a new top label must hold before it is reported (>= 1)
 * @param minIntervalMillis least time between two classification events of one camera (>= 0)
 * @param heartbeatMillis   time between heartbeats of one camera (> 0)
 */
public record PolicySettings(int topK, double minConfidence, int hysteresisFrames, long minIntervalMillis,
                             long heartbeatMillis) {

    public PolicySettings {
        if (topK < 1 || topK > 20) {
            throw new IllegalArgumentException("top-k must be 1..20, got " + topK);
        }
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("min-confidence must be 0..1, got " + minConfidence);
        }
        if (hysteresisFrames < 1) {
            throw new IllegalArgumentException("hysteresis-frames must be >= 1, got " + hysteresisFrames);
        }
        if (minIntervalMillis < 0) {
            throw new IllegalArgumentException("min-interval must be >= 0, got " + minIntervalMillis + " ms");
        }
        if (heartbeatMillis <= 0) {
            throw new IllegalArgumentException("heartbeat must be > 0, got " + heartbeatMillis + " ms");
        }
    }

    /** These settings with a model sidecar's overrides applied. */
    public PolicySettings with(Sidecar.PolicyOverrides o) {
        if (o == null) {
            return this;
        }
        return new PolicySettings(o.topK() != null ? o.topK() : topK,
                o.minConfidence() != null ? o.minConfidence() : minConfidence,
                o.hysteresisFrames() != null ? o.hysteresisFrames() : hysteresisFrames,
                minIntervalMillis, heartbeatMillis);
    }
}
