package dev.edgelens.inference.engine;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.model.LoadedModel;
import dev.edgelens.inference.model.ModelManager;
import dev.edgelens.inference.model.TopK;
import dev.edgelens.inference.policy.EventPolicy;
import dev.edgelens.inference.policy.PolicySettings;
import dev.edgelens.inference.policy.Result;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.FrameView;
import dev.edgelens.ring.PixelFormat;
import dev.edgelens.ring.SourceStatus;
import dev.edgelens.ring.WriterStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The inference loop: one thread that visits every camera in turn, takes the newest frame of its
 * ring (never a backlog: frames that arrived meanwhile are counted as skipped), preprocesses it
 * straight from shared memory, runs the current model and feeds the result to the event policy.
 * Model switches prepared by the {@link ModelManager} happen here, between two frames, so no
 * frame ever runs on a half-loaded model. A camera whose ring is missing or whose writer is stale
 * is reported and retried while the others keep being served.
 */
public final class InferenceEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);
    private static final long TICK_MILLIS = 50;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<CameraChannel> cameras = new ArrayList<>();
    private final ModelManager models;
    private final PolicySettings basePolicy;
    private final EventPolicy policy;
    private final Consumer<Event> events;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long framesRun;
    private LoadedModel model;
    private TopK topK;

    /**
     * @param cameras camera id -> ring file, in visiting order
     * @param models  the started-or-not model manager (started here)
     * @param policy  default policy (sidecar overrides apply per model)
     * @param events  where events go (e.g. an EventDispatcher)
     */
    public InferenceEngine(Map<String, Path> cameras, ModelManager models, PolicySettings policy,
                           Consumer<Event> events) {
        if (cameras.isEmpty()) {
            throw new IllegalArgumentException("at least one camera is needed");
        }
        long now = System.currentTimeMillis();
        this.models = models;
        this.basePolicy = policy;
        this.events = events;
        this.policy = new EventPolicy(policy, events);
        for (Map.Entry<String, Path> e : cameras.entrySet()) {
            this.cameras.add(new CameraChannel(e.getKey(), e.getValue()));
            this.policy.addCamera(e.getKey(), now);
        }
        this.topK = new TopK(policy.topK());
        this.thread = new Thread(this::loop, "inference");
    }

    /** Starts watching models and the inference thread. */
    public void start() {
        models.start();
        thread.start();
    }

    private void loop() {
        long nextTick = 0;
        try {
            while (running) {
                long now = System.currentTimeMillis();
                ModelManager.Switch sw = models.takeSwitch();
                if (sw != null) {
                    switchTo(sw);
                }
                boolean worked = false;
                for (int i = 0; i < cameras.size(); i++) {
                    worked |= step(cameras.get(i), now);
                }
                if (now >= nextTick) {
                    policy.tick(now, model != null ? model.ref() : null);
                    nextTick = now + TICK_MILLIS;
                }
                if (!worked) {
                    java.util.concurrent.locks.LockSupport.parkNanos(IDLE_NANOS);
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("inference loop failed; stopping", e);
            throw e;
        } finally {
            for (CameraChannel c : cameras) {
                c.close();
            }
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }

    private void switchTo(ModelManager.Switch sw) {
        LoadedModel previous = model;
        model = sw.model();
        PolicySettings effective = basePolicy.with(model.policy());
        policy.settings(effective);
        topK = new TopK(effective.topK());
        ModelRef prevRef = previous != null ? previous.ref() : null;
        LOG.info("switched to model {} ({}){}", model, sw.reason(),
                previous != null ? "; replaced " + previous.name() : "");
        events.accept(Event.modelChanged(model.ref(), prevRef, model.files().onnx().getFileName().toString(),
                sw.reason()));
        if (previous != null) {
            previous.close();
        }
    }

    /** One camera: report state changes, classify the newest frame if there is one. */
    private boolean step(CameraChannel cam, long now) {
        if (!cam.ensureOpen(now)) {
            if (cam.lastWriter != null || cam.lastSource == null) {
                // Report the missing ring once (lastSource == null: never reported yet).
                cam.lastWriter = null;
                cam.lastSource = new SourceStatus(dev.edgelens.ring.SourceState.UNKNOWN, "no ring", 0);
                policy.onSource(cam.id, cam.absentInfo(), now);
            }
            return false;
        }
        FrameRingReader reader = cam.reader;
        WriterStatus ws = reader.writerStatus();
        SourceStatus ss = reader.sourceStatus();
        if (ws != cam.lastWriter || ss != cam.lastSource) {
            cam.lastWriter = ws;
            cam.lastSource = ss;
            policy.onSource(cam.id, CameraChannel.info(ws, ss), now);
        }
        FrameView view = reader.viewLatest();
        if (view == null) {
            return false;
        }
        LoadedModel m = model;
        if (m == null) {
            cam.notRun++;
            policy.onSkipped(cam.id, cam.skipped(), now);
            return true;
        }
        PixelFormat format = view.format();
        long sequence = view.sequence();
        long captureEpochMicros = view.captureEpochMicros();
        long captureMono = view.captureMonoNanos();
        long publishMono = view.publishMonoNanos();
        FramePreprocessor pre = cam.preprocessorFor(m);
        pre.prepare(view.width(), view.height(), view.stride(), format.bytesPerPixel(), format == PixelFormat.BGR24);
        pre.run(view.pixels(), 0);
        if (!view.isValid()) {
            // Overwritten while we read it: the tensor may mix two frames, so it is discarded.
            cam.notRun++;
            policy.onSkipped(cam.id, cam.skipped(), now);
            return true;
        }
        long start = System.nanoTime();
        float[] raw = m.run(pre.output());
        int n = topK.select(raw, m.classes(), m.softmax());
        long end = System.nanoTime();
        framesRun++;

        Result r = cam.result;
        r.sequence = sequence;
        r.captureEpochMicros = captureEpochMicros;
        r.inferenceEpochMicros = System.currentTimeMillis() * 1000L;
        r.model = m.ref();
        r.labels = m.labels();
        r.count = n;
        for (int j = 0; j < n; j++) {
            r.index[j] = topK.index(j);
            r.score[j] = topK.score(j);
        }
        r.captureToRingMicros = Math.max(0, (publishMono - captureMono) / 1000);
        r.ringToInferenceMicros = Math.max(0, (start - publishMono) / 1000);
        r.inferenceMicros = (end - start) / 1000;
        policy.onSkipped(cam.id, cam.skipped(), now);
        policy.onResult(r, now);
        return true;
    }

    /** Frames classified so far (all cameras). */
    public long framesRun() {
        return framesRun;
    }

    /** Stops the loop, closes the rings, the model manager and the running model. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.close();
    }
}
