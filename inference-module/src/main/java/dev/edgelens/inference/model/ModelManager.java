package dev.edgelens.inference.model;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.ModelRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Watches the models folder and prepares model switches in the background.
 *
 * <p>Every poll it lists the folder; a model whose files (size, modification and change times of
 * .onnx, sidecar, labels) stayed the same for the settle time counts as completely written. While
 * nothing runs, it tries the candidates newest first until one loads. Once a model runs, it loads
 * only the newest model (or the pinned one) and only when its files changed since they were last
 * tried, so a rejected file never makes it fall back to an older model: the running model keeps
 * running. A loaded model is handed to the inference loop through {@link #takeSwitch()}, which
 * switches between two frames; rejections are reported as model-rejected events.
 */
public final class ModelManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    /** A validated model waiting for the inference loop, and why it was chosen. */
    public record Switch(LoadedModel model, String reason) {
    }

    private final ModelCatalog catalog;
    private final ModelLoader loader;
    private final long settleMillis;
    private final long pollMillis;
    private final Consumer<Event> events;
    private final AtomicReference<Switch> pending = new AtomicReference<>();
    /** Fingerprint last tried per model name (loaded or rejected). */
    private final Map<String, String> tried = new HashMap<>();
    /** Fingerprint first seen per model name, and when, for the settle check. */
    private final Map<String, Long> seenSince = new HashMap<>();
    private final Map<String, String> seenFingerprint = new HashMap<>();
    private volatile ModelRef active;
    private volatile String lastScanError;
    private Thread thread;
    private volatile boolean running;

    public ModelManager(ModelCatalog catalog, ModelLoader loader, long settleMillis, long pollMillis,
                        Consumer<Event> events) {
        this.catalog = catalog;
        this.loader = loader;
        this.settleMillis = settleMillis;
        this.pollMillis = pollMillis;
        this.events = events;
    }

    /** Starts the watcher thread (the first poll runs at once). */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::loop, "model-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                pollOnce(System.currentTimeMillis());
            } catch (RuntimeException e) {
                LOG.error("model watcher: unexpected error, continuing", e);
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One poll: scan, settle check, maybe load (blocking). Package-visible for tests. */
    synchronized void pollOnce(long now) {
        List<ModelCatalog.Entry> scanned;
        try {
            scanned = catalog.scan();
            lastScanError = null;
        } catch (IOException e) {
            if (!e.getMessage().equals(lastScanError)) {
                LOG.error("models folder: {}", e.getMessage());
                lastScanError = e.getMessage();
            }
            return;
        }
        List<ModelCatalog.Entry> candidates = catalog.candidates(scanned);
        if (candidates.isEmpty()) {
            if (active == null && !"none".equals(lastScanError)) {
                LOG.warn("no model to run: {}", catalog.pinned() != null
                        ? "pinned model " + catalog.pinned() + ".onnx is not in " + catalog.dir()
                        : "no .onnx file in " + catalog.dir());
                lastScanError = "none";
            }
            return;
        }
        if (active == null) {
            for (ModelCatalog.Entry c : candidates) {
                String fp = stableFingerprint(c, now);
                if (fp == null) {
                    return; // the newest is still being written: wait for it rather than load an older one
                }
                if (fp.equals(tried.get(c.name()))) {
                    continue; // already rejected in this exact state
                }
                if (tryLoad(c, fp, scanned)) {
                    return;
                }
            }
            return;
        }
        ModelCatalog.Entry newest = candidates.get(0);
        String fp = stableFingerprint(newest, now);
        if (fp == null || fp.equals(tried.get(newest.name()))) {
            return;
        }
        tryLoad(newest, fp, scanned);
    }

    /** The entry's fingerprint if its files have not changed for the settle time, else null. */
    private String stableFingerprint(ModelCatalog.Entry e, long now) {
        String fp = e.files().fingerprint();
        if (!fp.equals(seenFingerprint.get(e.name()))) {
            seenFingerprint.put(e.name(), fp);
            // Files already older than the settle time (e.g. at start-up) count as complete.
            seenSince.put(e.name(), Math.min(now, e.changedMillis()));
        }
        return now - seenSince.get(e.name()) >= settleMillis ? fp : null;
    }

    private boolean tryLoad(ModelCatalog.Entry c, String fp, List<ModelCatalog.Entry> scanned) {
        tried.put(c.name(), fp);
        String file = c.files().onnx().getFileName().toString();
        LOG.info("loading model {} in the background", file);
        long t0 = System.nanoTime();
        try {
            LoadedModel m = loader.load(c.files());
            String reason = catalog.reason(c, scanned);
            LOG.info("model {} validated in {} ms; chosen: {}; others: {}", m, (System.nanoTime() - t0) / 1_000_000,
                    reason, others(c, scanned));
            Switch previous = pending.getAndSet(new Switch(m, reason));
            if (previous != null) {
                LOG.info("model {} was superseded before it ran", previous.model().name());
                previous.model().close();
            }
            active = m.ref();
            return true;
        } catch (ModelRejectedException e) {
            LOG.error("model rejected: {}{}", e.getMessage(), active != null ? "; still running " + active.name() : "");
            events.accept(Event.modelRejected(e.file(), e.reason(), active));
            return false;
        } catch (RuntimeException | Error e) {
            // Native or engine failures must not take the watcher down.
            LOG.error("model rejected: {}: unexpected failure", file, e);
            events.accept(Event.modelRejected(file, "unexpected failure: " + e, active));
            return false;
        }
    }

    private static String others(ModelCatalog.Entry chosen, List<ModelCatalog.Entry> scanned) {
        StringBuilder b = new StringBuilder();
        for (ModelCatalog.Entry e : scanned) {
            if (e != chosen) {
                b.append(b.length() == 0 ? "" : ", ").append(e.files().onnx().getFileName());
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /**
     * For the inference loop, between two frames: the next model to switch to, or null. The caller
     * owns the returned model (and closes the one it replaces).
     */
    public Switch takeSwitch() {
        return pending.getAndSet(null);
    }

    /** The model most recently validated (running or about to run), or null. */
    public ModelRef active() {
        return active;
    }

    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Switch s = pending.getAndSet(null);
        if (s != null) {
            s.model().close();
        }
    }
}
