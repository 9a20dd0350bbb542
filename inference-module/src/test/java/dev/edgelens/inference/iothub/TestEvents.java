package dev.edgelens.inference.iothub;

import dev.edgelens.inference.event.Counters;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.Latency;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.event.Prediction;
import dev.edgelens.inference.event.SourceInfo;

import java.util.List;

/** Real {@link Event}s as the inference module makes them, for feeding the sink in tests. */
final class TestEvents {

    static final ModelRef MODEL = new ModelRef("mobilenetv2-12-int8", "0123456789ab");

    private TestEvents() {
    }

    static Event classification(String camera, long seq, String label) {
        long now = System.currentTimeMillis() * 1000;
        return Event.classification(camera, seq, now - 20_000, now, MODEL,
                List.of(new Prediction(label, 281, 0.91), new Prediction("tiger cat", 282, 0.05)),
                new Latency(1_000, 2_000, 15_000));
    }

    static Event heartbeat(String camera, long seq) {
        return Event.heartbeat(camera, MODEL, classification(camera, seq, "tabby"),
                new SourceInfo("streaming", "", "live", null), new Counters(seq, 0, seq));
    }
}
