package dev.edgelens.capture;

import dev.edgelens.edge.iothub.ModuleControl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The running capture program as its module twin and {@code getStatus} see it ({@link ModuleControl}).
 *
 * <p>Settings use the command-line option names without dashes. A change is validated as a whole with the
 * program's own schema ({@link CaptureSettings#withChanges}: the same checks and messages as the command line),
 * then handed to {@link CaptureLoop#update}:
 * <ul>
 *   <li>live, reconnecting at once: {@code source}, {@code rtsp-transport}, {@code output-size}, {@code decoder},
 *       {@code decoder-threads}, {@code io-timeout}, {@code pace};</li>
 *   <li>live, in place: {@code max-fps} (the running session), {@code stall-timeout}, {@code reconnect-*},
 *       {@code max-reconnects}, {@code loop}, {@code ffmpeg-log-level};</li>
 *   <li>restart only: {@link #RESTART_ONLY} and {@code iothub-*}. Giving one with its current value is
 *       accepted (a full desired document may repeat it); a different value rejects the whole change.</li>
 * </ul>
 * Reported settings and status never show the source's credentials.
 */
final class CaptureControl implements ModuleControl {

    /** Options fixed for the life of the process: the ring is created once, at start. */
    static final List<String> RESTART_ONLY = List.of("camera-id", "ring", "ring-slots", "pixel-format");

    private final CaptureLoop loop;
    private final RingSink sink;
    private final String version;
    private long rateFrames;
    private long rateNanos = System.nanoTime();
    private double framesPerSecond;

    CaptureControl(CaptureLoop loop, RingSink sink) {
        this.loop = loop;
        this.sink = sink;
        String v = CaptureControl.class.getPackage().getImplementationVersion();
        this.version = v == null || v.isBlank() ? "dev" : v;
    }

    @Override
    public synchronized Map<String, Object> applySettings(Map<String, String> changes) {
        CaptureSettings now = loop.settings();
        Map<String, String> current = now.toMap();
        Map<String, String> patch = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String key = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
            if (key.startsWith("iothub-")) {
                throw new IllegalArgumentException("'" + key + "' requires a restart (IoT Hub connection settings"
                        + " cannot change through the hub); nothing was changed");
            }
            if (!current.containsKey(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; expected one of "
                        + String.join(", ", current.keySet()) + " (see docs/configuration.md); nothing was changed");
            }
            patch.put(key, e.getValue());
        }
        CaptureSettings next;
        try {
            next = now.withChanges(patch);
        } catch (CaptureSettings.SettingsException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing was changed");
        }
        Map<String, String> wanted = next.toMap();
        for (String key : RESTART_ONLY) {
            if (!Objects.equals(current.get(key), wanted.get(key))) {
                throw new IllegalArgumentException("'" + key + "' requires a restart (running with " + key + "="
                        + current.get(key) + ", desired " + wanted.get(key) + "); nothing was changed");
            }
        }
        if (!wanted.equals(current)) {
            loop.update(next);
        }
        return effectiveSettings();
    }

    @Override
    public Map<String, Object> effectiveSettings() {
        CaptureSettings s = loop.settings();
        Map<String, Object> m = new LinkedHashMap<>(s.toMap());
        m.put("source", s.source().toString()); // masked
        return m;
    }

    @Override
    public synchronized Map<String, Object> status() {
        CaptureSettings s = loop.settings();
        long frames = sink.framesPublished();
        long now = System.nanoTime();
        if (now - rateNanos >= 1_000_000_000L) { // frames/s since the previous status, at least a second
            framesPerSecond = Math.round((frames - rateFrames) * 1e10 / (now - rateNanos)) / 10.0;
            rateFrames = frames;
            rateNanos = now;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cameraId", s.cameraId());
        m.put("source", s.source().toString());
        m.put("state", sink.state().name());
        m.put("detail", sink.detail());
        m.put("geometry", sink.geometry());
        m.put("framesPublished", frames);
        m.put("framesPerSecond", framesPerSecond);
        m.put("connectionAttempts", loop.sessions());
        m.put("settingsReconnects", loop.switches());
        m.put("ring", s.ringPath().toString());
        m.put("version", version);
        return m;
    }
}
