package dev.edgelens.inference.engine;

import dev.edgelens.inference.model.LoadedModel;
import dev.edgelens.inference.model.TopK;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import dev.edgelens.ring.Frame;
import dev.edgelens.ring.PixelFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A frame to classify on the inference thread for another thread. It gets its own preprocessor
 * and top-k (allocated per request: requests are rare, the per-frame path stays allocation-free).
 */
final class ClassifyRequest {

    private final Frame frame;
    private final int k;
    final CompletableFuture<Classification> result = new CompletableFuture<>();

    ClassifyRequest(Frame frame, int k) {
        this.frame = frame;
        this.k = k;
    }

    /** Runs on the inference thread with the model it runs now. */
    void run(LoadedModel model) {
        if (model == null) {
            fail(new IllegalStateException("no model is running yet"));
            return;
        }
        try {
            FramePreprocessor pre = new FramePreprocessor(model.spec());
            PixelFormat f = frame.format();
            pre.prepare(frame.width(), frame.height(), frame.stride(), f.bytesPerPixel(), f == PixelFormat.BGR24);
            pre.run(frame.pixels(), 0);
            float[] raw = model.run(pre.output());
            TopK top = new TopK(k);
            int n = top.select(raw, model.classes(), model.softmax());
            List<Classification.Entry> entries = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                int idx = top.index(j);
                entries.add(new Classification.Entry(idx, model.labels().get(idx), top.score(j)));
            }
            result.complete(new Classification(model.ref(), model.provider(), List.copyOf(entries)));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    void fail(RuntimeException e) {
        result.completeExceptionally(e);
    }
}
