package dev.edgelens.inference;

import dev.edgelens.inference.engine.CameraStatus;
import dev.edgelens.inference.engine.Classification;
import dev.edgelens.inference.engine.InferenceEngine;
import dev.edgelens.inference.iothub.InferenceModuleControl;
import dev.edgelens.inference.model.LoadedModel;
import dev.edgelens.inference.model.ModelCatalog;
import dev.edgelens.inference.model.ModelLoader;
import dev.edgelens.inference.model.ModelManager;
import dev.edgelens.inference.model.ModelRejectedException;
import dev.edgelens.inference.policy.EventDispatcher;
import dev.edgelens.inference.policy.PolicySettings;
import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The running inference program as the module twin and direct methods see it ({@link InferenceModuleControl}).
 *
 * <p>Settings use the command-line option names without dashes. A change is validated as a whole
 * with the program's own schema ({@link InferenceSettings#fromMap}: the changes merged over the
 * effective settings), then applied:
 * <ul>
 *   <li>live: {@code top-k}, {@code min-confidence}, {@code hysteresis-frames}, {@code min-interval},
 *       {@code heartbeat} (the event policy, taken over by the inference thread between two frames),
 *       {@code batch-window}, {@code batch-max-bytes} (the dispatcher, from its next message),
 *       {@code snapshot-dir}, {@code model} (the pinned model: loaded and validated in the background,
 *       then switched to between two frames; empty = the newest model runs again), and
 *       {@code execution-provider}, {@code threads}, {@code gpu-device} (the running model is loaded
 *       again with the new settings and switched to, so a provider that cannot run rejects the change);</li>
 *   <li>restart only: every other option ({@code camera}, {@code models-dir}, the event sinks, the
 *       model watcher timings, {@code iothub-*}). Giving one with its current value is accepted (a
 *       full desired document may repeat it); a different value rejects the whole change.</li>
 * </ul>
 * A model that fails validation leaves everything as it was. Snapshots are classified on the
 * inference thread (the model's input buffer and session belong to it): the request is handed to
 * the loop and answered between two frames, waiting at most {@link #CLASSIFY_TIMEOUT}.
 */
public final class InferenceControl implements InferenceModuleControl {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceControl.class);
    /** Options applied live; all other options of the schema need a restart. */
    static final List<String> LIVE = List.of("top-k", "min-confidence", "hysteresis-frames", "min-interval",
            "heartbeat", "batch-window", "batch-max-bytes", "model", "execution-provider", "threads", "gpu-device",
            "snapshot-dir");
    static final Duration CLASSIFY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SWITCH_WAIT = Duration.ofSeconds(15);
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(30);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Set<String> schema = optionNames();
    private final CountDownLatch attached = new CountDownLatch(1);
    private final String version;
    private InferenceSettings current;
    private volatile InferenceEngine engine;
    private volatile ModelManager models;
    private volatile EventDispatcher dispatcher;
    private volatile Path snapshotDir;
    private volatile int snapshotTopK;

    /** @param settings the settings the program started with */
    public InferenceControl(InferenceSettings settings) {
        this.current = settings;
        this.snapshotDir = settings.snapshotDir();
        this.snapshotTopK = settings.policy().topK();
        String v = InferenceControl.class.getPackage().getImplementationVersion();
        this.version = v == null || v.isBlank() ? "dev" : v;
    }

    /**
     * Connects the control to the running parts. The IoT Hub connection (which calls this control)
     * is made before them, so calls that arrive earlier wait for this, at most {@link #ATTACH_WAIT}.
     */
    public void attach(InferenceEngine engine, ModelManager models, EventDispatcher dispatcher) {
        this.engine = Objects.requireNonNull(engine);
        this.models = Objects.requireNonNull(models);
        this.dispatcher = Objects.requireNonNull(dispatcher);
        attached.countDown();
    }

    private void awaitAttached() {
        try {
            if (attached.await(ATTACH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the inference program is still starting");
    }

    @Override
    public synchronized Map<String, Object> applySettings(Map<String, String> changes) {
        awaitAttached();
        InferenceSettings now = current;
        Map<String, String> live = liveText(now);
        Map<String, String> restart = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String key = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
            String value = e.getValue();
            if (!schema.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; settings applied live: "
                        + String.join(", ", LIVE) + " (other options need a restart; see docs/configuration.md)");
            }
            if (key.startsWith("iothub-")) {
                throw new IllegalArgumentException("'" + key + "' requires a restart (IoT Hub connection settings"
                        + " cannot change through the hub); nothing was changed");
            }
            if (LIVE.contains(key)) {
                if (value == null) {
                    live.remove(key); // back to the default (environment variable or built-in)
                } else {
                    live.put(key, value);
                }
            } else {
                restart.put(key, value);
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        if (!restart.containsKey("camera")) {
            args.put("camera", cameraText(now));
        }
        args.putAll(live);
        restart.forEach((k, v) -> {
            if (v != null) {
                args.put(k, v);
            }
        });
        InferenceSettings next;
        try {
            next = InferenceSettings.fromMap(args);
        } catch (InferenceSettings.SettingsException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing was changed");
        }
        for (Map.Entry<String, String> e : restart.entrySet()) {
            if (!sameValue(e.getKey(), next, now)) {
                throw new IllegalArgumentException("'" + e.getKey() + "' requires a restart (running with "
                        + e.getKey() + "=" + restartText(e.getKey(), now) + ", desired " + e.getValue()
                        + "); nothing was changed");
            }
        }
        LoadedModel loaded = switchModelIfNeeded(now, next);
        // Nothing below can fail: the change is accepted.
        engine.policySettings(next.policy());
        dispatcher.batching(next.batchWindow().toMillis(), next.batchMaxBytes());
        snapshotDir = next.snapshotDir();
        snapshotTopK = next.policy().topK();
        current = new InferenceSettings(now.cameras(), now.modelsDir(), next.pinnedModel(), next.executionProvider(),
                next.gpuDevice(), next.threads(), next.policy(), next.batchWindow(), next.batchMaxBytes(),
                now.stdoutEvents(), now.eventFile(), now.eventFileMaxBytes(), now.eventFileKeep(), now.modelPoll(),
                now.modelSettle(), now.iothub(), next.snapshotDir());
        if (loaded != null) {
            awaitRunning(loaded);
        }
        LOG.info("settings applied live: {}", changes.keySet());
        return effectiveSettings();
    }

    /** Pins/reloads through the model manager when the model or the loader settings changed. */
    private LoadedModel switchModelIfNeeded(InferenceSettings now, InferenceSettings next) {
        ModelLoader loader = models.loader();
        boolean loaderChanged = loader.provider() != next.executionProvider() || loader.threads() != next.threads()
                || loader.deviceId() != next.gpuDevice();
        String pin = new ModelCatalog(now.modelsDir(), next.pinnedModel()).pinned();
        boolean pinChanged = !Objects.equals(pin, models.pinned());
        if (!loaderChanged && !pinChanged) {
            return null;
        }
        ModelLoader nextLoader = loaderChanged
                ? new ModelLoader(next.executionProvider(), next.threads(), next.gpuDevice()) : loader;
        String why = pin != null && pinChanged ? "pinned live (model=" + pin + ")"
                : pinChanged ? "unpinned live: the newest model runs"
                : "reloaded live with execution-provider=" + next.executionProvider().optionName() + ", threads="
                + next.threads() + ", gpu-device=" + next.gpuDevice();
        try {
            return models.reconfigure(pin, nextLoader, loaderChanged, why);
        } catch (ModelRejectedException e) {
            throw new IllegalArgumentException("model: " + e.getMessage() + "; nothing was changed");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model: " + e.getMessage() + "; nothing was changed");
        }
    }

    /** Waits (bounded) until the inference loop runs {@code m}, so answers show the new model. */
    private void awaitRunning(LoadedModel m) {
        long deadline = System.nanoTime() + SWITCH_WAIT.toNanos();
        while (engine.runningModel() != m && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public synchronized Map<String, Object> effectiveSettings() {
        InferenceSettings s = current;
        PolicySettings p = s.policy();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("camera", cameraText(s));
        out.put("models-dir", s.modelsDir().toString());
        out.put("model", s.pinnedModel() == null ? "" : s.pinnedModel());
        out.put("execution-provider", s.executionProvider().optionName());
        out.put("gpu-device", s.gpuDevice());
        out.put("threads", s.threads());
        out.put("top-k", p.topK());
        out.put("min-confidence", p.minConfidence());
        out.put("hysteresis-frames", p.hysteresisFrames());
        out.put("min-interval", durationText(Duration.ofMillis(p.minIntervalMillis())));
        out.put("heartbeat", durationText(Duration.ofMillis(p.heartbeatMillis())));
        out.put("batch-window", durationText(s.batchWindow()));
        out.put("batch-max-bytes", s.batchMaxBytes());
        out.put("stdout-events", s.stdoutEvents());
        out.put("event-file", s.eventFile() == null ? "" : s.eventFile().toString());
        out.put("event-file-max-bytes", s.eventFileMaxBytes());
        out.put("event-file-keep", s.eventFileKeep());
        out.put("model-poll", durationText(s.modelPoll()));
        out.put("model-settle", durationText(s.modelSettle()));
        out.put("snapshot-dir", s.snapshotDir().toString());
        return out;
    }

    /** The live options' current values as option text (complete: every live option is present). */
    private static Map<String, String> liveText(InferenceSettings s) {
        PolicySettings p = s.policy();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("top-k", Integer.toString(p.topK()));
        m.put("min-confidence", Double.toString(p.minConfidence()));
        m.put("hysteresis-frames", Integer.toString(p.hysteresisFrames()));
        m.put("min-interval", durationText(Duration.ofMillis(p.minIntervalMillis())));
        m.put("heartbeat", durationText(Duration.ofMillis(p.heartbeatMillis())));
        m.put("batch-window", durationText(s.batchWindow()));
        m.put("batch-max-bytes", Integer.toString(s.batchMaxBytes()));
        m.put("model", s.pinnedModel() == null ? "" : s.pinnedModel());
        m.put("execution-provider", s.executionProvider().optionName());
        m.put("threads", Integer.toString(s.threads()));
        m.put("gpu-device", Integer.toString(s.gpuDevice()));
        m.put("snapshot-dir", s.snapshotDir().toString());
        return m;
    }

    private static boolean sameValue(String key, InferenceSettings a, InferenceSettings b) {
        return switch (key) {
            case "camera" -> a.cameras().equals(b.cameras());
            case "models-dir" -> a.modelsDir().equals(b.modelsDir());
            case "stdout-events" -> a.stdoutEvents() == b.stdoutEvents();
            case "event-file" -> Objects.equals(a.eventFile(), b.eventFile());
            case "event-file-max-bytes" -> a.eventFileMaxBytes() == b.eventFileMaxBytes();
            case "event-file-keep" -> a.eventFileKeep() == b.eventFileKeep();
            case "model-poll" -> a.modelPoll().equals(b.modelPoll());
            case "model-settle" -> a.modelSettle().equals(b.modelSettle());
            default -> false;
        };
    }

    private String restartText(String key, InferenceSettings s) {
        Object v = effectiveSettings().get(key);
        return v == null ? "?" : v.toString();
    }

    private static String cameraText(InferenceSettings s) {
        StringBuilder b = new StringBuilder();
        s.cameras().forEach((id, ring) -> b.append(b.length() == 0 ? "" : ",").append(id).append('=').append(ring));
        return b.toString();
    }

    /** A duration in the option syntax: 0s, 250ms, 2s, 5m, 1h. */
    static String durationText(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static Set<String> optionNames() {
        Set<String> names = new TreeSet<>();
        for (CommandLine.Model.OptionSpec o : InferenceOptions.commandLine(new InferenceOptions()).getCommandSpec()
                .options()) {
            String n = o.longestName();
            if (n.startsWith("--") && !n.equals("--help") && !n.equals("--version")) {
                names.add(n.substring(2));
            }
        }
        return names;
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        InferenceEngine e = engine;
        LoadedModel m = e != null ? e.runningModel() : null;
        if (m != null) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", m.name());
            model.put("sha256", m.sha256());
            model.put("file", m.files().onnx().getFileName().toString());
            s.put("activeModel", model);
            s.put("executionProvider", m.provider().optionName());
        } else {
            s.put("activeModel", null);
            s.put("executionProvider", null);
        }
        s.put("framesPerSecond", e != null ? Math.round(e.framesPerSecond() * 10) / 10.0 : 0.0);
        s.put("framesProcessed", e != null ? e.framesRun() : 0L);
        long skipped = 0;
        Map<String, Object> cams = new LinkedHashMap<>();
        if (e != null) {
            for (CameraStatus c : e.cameraStatus()) {
                skipped += c.skippedFrames();
                Map<String, Object> cam = new LinkedHashMap<>();
                cam.put("state", c.state());
                cam.put("writer", c.writer());
                cam.put("detail", c.detail());
                if (c.sinceEpochMillis() > 0) {
                    cam.put("since", Instant.ofEpochMilli(c.sinceEpochMillis()).toString());
                }
                cam.put("skippedFrames", c.skippedFrames());
                cams.put(c.id(), cam);
            }
        }
        s.put("skippedFrames", skipped);
        s.put("cameras", cams);
        s.put("version", version);
        return s;
    }

    @Override
    public Map<String, Object> setModel(String name) {
        applySettings(Map.of("model", name));
        LoadedModel m = engine.runningModel();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m != null ? m.name() : null);
        out.put("sha256", m != null ? m.sha256() : null);
        out.put("executionProvider", m != null ? m.provider().optionName() : null);
        return out;
    }

    @Override
    public Map<String, Object> snapshot(String cameraId) throws Exception {
        awaitAttached();
        Map<String, Path> rings = engine.rings();
        Path ring = rings.get(cameraId);
        if (ring == null) {
            throw new IllegalArgumentException("unknown camera '" + cameraId + "'; cameras: " + rings.keySet());
        }
        Frame frame = new Frame();
        try (FrameRingReader reader = FrameRingReader.open(ring, Duration.ZERO)) {
            if (!reader.readLatest(frame)) {
                throw new IllegalArgumentException("camera '" + cameraId + "' has no frame yet");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("camera '" + cameraId + "' has no frame yet: " + e.getMessage());
        }
        Path dir = snapshotDir;
        Files.createDirectories(dir);
        String name = cameraId + "-" + FILE_TIME.format(Instant.ofEpochMilli(frame.captureEpochMicros() / 1000))
                + "-" + frame.sequence() + ".jpg";
        Path file = dir.resolve(name).toAbsolutePath();
        Path tmp = dir.resolve("." + name + ".tmp");
        if (!ImageIO.write(toImage(frame), "jpg", tmp.toFile())) {
            throw new IOException("no JPEG writer in this Java runtime");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Classification c = engine.classify(frame, snapshotTopK, CLASSIFY_TIMEOUT);
        List<Map<String, Object>> top = new ArrayList<>();
        for (Classification.Entry en : c.top()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("label", en.label());
            t.put("index", en.index());
            t.put("score", Math.round(en.score() * 10_000) / 10_000.0);
            top.add(t);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", file.toString());
        out.put("cameraId", cameraId);
        out.put("frameSequence", frame.sequence());
        out.put("captureTime", Instant.ofEpochMilli(frame.captureEpochMicros() / 1000).toString());
        out.put("width", frame.width());
        out.put("height", frame.height());
        out.put("model", Map.of("name", c.model().name(), "sha256", c.model().sha256()));
        out.put("classification", top);
        LOG.info("snapshot of {} saved to {}: {}", cameraId, file, c.top().isEmpty() ? "-" : c.top().get(0).label());
        return out;
    }

    /** The frame as an image ImageIO can encode: BGR24/RGB24 as 3-byte BGR, GRAY8 as gray. */
    static BufferedImage toImage(Frame f) {
        int w = f.width();
        int h = f.height();
        byte[] src = f.pixels();
        int stride = f.stride();
        BufferedImage img;
        switch (f.format()) {
            case GRAY8 -> {
                img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int y = 0; y < h; y++) {
                    System.arraycopy(src, y * stride, dst, y * w, w);
                }
            }
            case BGR24 -> {
                img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int y = 0; y < h; y++) {
                    System.arraycopy(src, y * stride, dst, y * w * 3, w * 3);
                }
            }
            case RGB24 -> {
                img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int y = 0; y < h; y++) {
                    int s = y * stride;
                    int d = y * w * 3;
                    for (int x = 0; x < w; x++, s += 3, d += 3) {
                        dst[d] = src[s + 2];
                        dst[d + 1] = src[s + 1];
                        dst[d + 2] = src[s];
                    }
                }
            }
            default -> throw new IllegalArgumentException("pixel format " + f.format() + " cannot be saved as JPEG");
        }
        return img;
    }
}
