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
    private PolicySettings basePolicy;
    /** Policy settings changed from another thread (the twin), picked up by the loop between frames. */
    private volatile PolicySettings pendingPolicy;
    private final EventPolicy policy;
    /** Classification requests from other threads (snapshots), run by the loop between frames. */
    private final java.util.concurrent.ConcurrentLinkedQueue<ClassifyRequest> requests =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final FrameRate rate = new FrameRate();
    private final Consumer<Event> events;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long framesRun;
    /** Written by the loop only; volatile so status readers see the running model. */
    private volatile LoadedModel model;
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
                PolicySettings newPolicy = pendingPolicy;
                if (newPolicy != null) {
                    pendingPolicy = null;
                    applyPolicy(newPolicy);
                }
                ClassifyRequest req = requests.poll();
                if (req != null) {
                    req.run(model);
                }
                boolean worked = false;
                for (int i = 0; i < cameras.size(); i++) {
                    worked |= step(cameras.get(i), now);
                }
                if (now >= nextTick) {
                    policy.tick(now, model != null ? model.ref() : null);
                    nextTick = now + TICK_MILLIS;
                    if (rate.sample(now, framesRun)) {
                        for (int i = 0; i < cameras.size(); i++) {
                            cameras.get(i).publishSkipped();
                        }
                    }
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
            ClassifyRequest left;
            while ((left = requests.poll()) != null) {
                left.fail(new IllegalStateException("the inference loop stopped"));
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
        applyPolicy(basePolicy);
        ModelRef prevRef = previous != null ? previous.ref() : null;
        LOG.info("switched to model {} ({}){}", model, sw.reason(),
                previous != null ? "; replaced " + previous.name() : "");
        events.accept(Event.modelChanged(model.ref(), prevRef, model.files().onnx().getFileName().toString(),
                sw.reason()));
        if (previous != null) {
            previous.close();
        }
    }

    /** New base settings, with the running model's sidecar overrides on top. */
    private void applyPolicy(PolicySettings base) {
        basePolicy = base;
        PolicySettings effective = model != null ? base.with(model.policy()) : base;
        policy.settings(effective);
        if (topK == null || topK.k() != effective.topK()) {
            topK = new TopK(effective.topK());
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

    /**
     * Event policy settings to use from the next frame on (any thread). The policy itself is not
     * thread-safe, so the loop applies them between two frames; a running model's sidecar
     * overrides still win.
     */
    public void policySettings(PolicySettings settings) {
        pendingPolicy = java.util.Objects.requireNonNull(settings);
    }

    /** The base policy settings in force or about to be (without sidecar overrides). */
    public PolicySettings policySettings() {
        PolicySettings p = pendingPolicy;
        return p != null ? p : basePolicy;
    }

    /** The model the loop runs now, or null before the first one (any thread; do not run it). */
    public LoadedModel runningModel() {
        return model;
    }

    /** Frames classified per second over about the last 10 seconds. */
    public double framesPerSecond() {
        return rate.perSecond();
    }

    /** Each camera's state as last seen by the loop, in camera order (any thread). */
    public List<CameraStatus> cameraStatus() {
        List<CameraStatus> out = new ArrayList<>(cameras.size());
        for (CameraChannel c : cameras) {
            out.add(c.status());
        }
        return out;
    }

    /** The ring file of each camera, in order. */
    public Map<String, Path> rings() {
        Map<String, Path> out = new java.util.LinkedHashMap<>();
        for (CameraChannel c : cameras) {
            out.put(c.id, c.ring);
        }
        return out;
    }

    /**
     * Classifies {@code frame} with the running model, on the inference thread between two frames
     * (the model's input buffer and session belong to that thread), and waits for the answer.
     *
     * @param k classes to return
     * @throws IllegalStateException no model is running yet, or the loop did not answer in time
     */
    public Classification classify(dev.edgelens.ring.Frame frame, int k, java.time.Duration timeout)
            throws InterruptedException {
        ClassifyRequest req = new ClassifyRequest(frame, k);
        requests.add(req);
        try {
            return req.result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            requests.remove(req);
            throw new IllegalStateException("the inference loop did not classify the frame within "
                    + timeout.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c.getMessage(), c);
        }
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
