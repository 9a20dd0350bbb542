package dev.edgelens.inference.model;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.ModelRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    // Guarded by this: replaced by reconfigure() (module twin, setModel), read by the watcher's poll.
    private ModelCatalog catalog;
    private ModelLoader loader;
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

    private final Path dir;

    public ModelManager(ModelCatalog catalog, ModelLoader loader, long settleMillis, long pollMillis,
                        Consumer<Event> events) {
        this.catalog = catalog;
        this.dir = catalog.dir();
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
            hand(m, reason);
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

    private void hand(LoadedModel m, String reason) {
        Switch previous = pending.getAndSet(new Switch(m, reason));
        if (previous != null) {
            LOG.info("model {} was superseded before it ran", previous.model().name());
            previous.model().close();
        }
        active = m.ref();
    }

    /**
     * Changes the pinned model and the loader settings, all or nothing. The model that is to run
     * (the newly pinned one, or with {@code reload} the active one) is loaded and validated first,
     * on the caller's thread, exactly as a dropped-in file; only when it passes do the new pin and
     * loader take effect and is the switch handed to the inference loop. A rejected model changes
     * nothing (the rejection is also sent as a model-rejected event).
     *
     * @param pinned model name to pin (with or without .onnx); null = run the newest again
     * @param loader loader for this load and all later ones
     * @param reload load the target again even when it is already active (loader settings changed)
     * @param why    the reason given in the model-changed event
     * @return the model handed to the loop, or null when nothing had to be loaded
     * @throws IllegalArgumentException the pinned model is not in the models folder
     * @throws ModelRejectedException   the model failed validation
     */
    public synchronized LoadedModel reconfigure(String pinned, ModelLoader loader, boolean reload, String why)
            throws ModelRejectedException {
        ModelCatalog next = new ModelCatalog(catalog.dir(), pinned);
        if (next.pinned() != null) {
            requireModel(next.pinned());
        }
        ModelRef running = active;
        String target = next.pinned() != null ? next.pinned() : reload && running != null ? running.name() : null;
        LoadedModel loaded = null;
        if (target != null && (reload || running == null || !target.equals(running.name()))) {
            ModelFiles files = ModelFiles.in(catalog.dir(), target);
            String fp = files.fingerprint();
            LOG.info("loading model {} ({})", files.onnx().getFileName(), why);
            try {
                loaded = loader.load(files);
            } catch (ModelRejectedException e) {
                LOG.error("model rejected: {}{}", e.getMessage(), running != null ? "; still running " + running.name() : "");
                events.accept(Event.modelRejected(e.file(), e.reason(), running));
                throw e;
            }
            tried.put(target, fp);
            hand(loaded, why);
        }
        if (next.pinned() == null && catalog.pinned() != null) {
            // Unpinned: the newest model runs again unless it is the one running.
            ModelRef now = active;
            tried.keySet().removeIf(n -> now == null || !n.equals(now.name()));
        }
        catalog = next;
        this.loader = loader;
        return loaded;
    }

    private void requireModel(String name) {
        if (name.isEmpty() || name.startsWith(".") || !name.matches("[A-Za-z0-9._+-]+")) {
            throw new IllegalArgumentException("model '" + name + "' is not a model name; expected the file name of a"
                    + " .onnx file in " + catalog.dir() + " without folders, e.g. mobilenetv2-12-int8");
        }
        if (!Files.isRegularFile(ModelFiles.in(catalog.dir(), name).onnx())) {
            String available;
            try {
                available = catalog.scan().stream().map(ModelCatalog.Entry::name).sorted().toList().toString();
            } catch (IOException e) {
                available = "none (" + e.getMessage() + ")";
            }
            throw new IllegalArgumentException("no model '" + name + "' in " + catalog.dir() + "; available: "
                    + available);
        }
    }

    /** The pinned model name, or null when the newest runs. */
    public synchronized String pinned() {
        return catalog.pinned();
    }

    /** The loader in use for new loads. */
    public synchronized ModelLoader loader() {
        return loader;
    }

    /** The models folder. */
    public Path dir() {
        return dir;
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
