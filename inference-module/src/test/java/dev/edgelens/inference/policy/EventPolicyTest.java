package dev.edgelens.inference.policy;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventType;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.event.SourceInfo;
import dev.edgelens.inference.model.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event policy's rules, driven with explicit time. */
class EventPolicyTest {

    private static final ModelRef MODEL = new ModelRef("m", "0123456789ab");
    private final List<Event> out = new ArrayList<>();
    private long seq;

    private Result result(int top, float score) {
        Result r = new Result();
        r.cameraId = "cam";
        r.sequence = ++seq;
        r.model = MODEL;
        r.labels = Labels.indices(10);
        r.count = 2;
        r.index[0] = top;
        r.score[0] = score;
        r.index[1] = (top + 1) % 10;
        r.score[1] = 1 - score;
        return r;
    }

    private List<Event> of(EventType t) {
        return out.stream().filter(e -> e.type() == t).toList();
    }

    @Test
    void changeIsReportedOnlyAfterItHeldForNFrames() {
        EventPolicy p = new EventPolicy(new PolicySettings(2, 0.0, 3, 0, 60_000), out::add);
        long t = 0;
        p.onResult(result(1, 0.9f), t += 10);
        p.onResult(result(1, 0.9f), t += 10);
        assertEquals(0, of(EventType.CLASSIFICATION).size(), "2 of 3 frames: not yet");
        p.onResult(result(1, 0.9f), t += 10);
        assertEquals(1, of(EventType.CLASSIFICATION).size());
        assertEquals("1", of(EventType.CLASSIFICATION).get(0).topLabel());
        assertEquals(2, of(EventType.CLASSIFICATION).get(0).topK().size(), "top-k entries");
        // A two-frame flicker to another label is ignored; the steady label is not resent.
        p.onResult(result(4, 0.9f), t += 10);
        p.onResult(result(4, 0.9f), t += 10);
        for (int i = 0; i < 20; i++) {
            p.onResult(result(1, 0.9f), t += 10);
        }
        assertEquals(1, of(EventType.CLASSIFICATION).size(), "steady scene: no new classification event");
        for (int i = 0; i < 3; i++) {
            p.onResult(result(4, 0.9f), t += 10);
        }
        assertEquals(2, of(EventType.CLASSIFICATION).size());
        assertEquals("4", of(EventType.CLASSIFICATION).get(1).topLabel());
    }

    @Test
    void steadySceneSendsOnlyHeartbeats() {
        EventPolicy p = new EventPolicy(new PolicySettings(1, 0.0, 1, 0, 1000), out::add);
        p.addCamera("cam", 0);
        p.onSource("cam", new SourceInfo("streaming", "", "live", null), 0);
        long t = 0;
        for (int i = 0; i < 500; i++) { // 5 s at 100 fps
            t += 10;
            p.onResult(result(7, 0.8f), t);
            p.onSkipped("cam", i, t);
            p.tick(t, MODEL);
        }
        assertEquals(1, of(EventType.CLASSIFICATION).size(), "the first label only");
        List<Event> hbs = of(EventType.HEARTBEAT);
        assertEquals(5, hbs.size(), "one heartbeat a second");
        Event last = hbs.get(hbs.size() - 1);
        assertEquals("7", last.topLabel(), "heartbeat carries the current result");
        assertEquals("streaming", last.source().state());
        assertEquals(500, last.counters().framesProcessed());
        assertEquals(499, last.counters().eventsSuppressed());
        assertTrue(last.counters().framesSkipped() > 0);
        assertEquals(MODEL, last.model());
        assertEquals(1, of(EventType.SOURCE_STATE).size(), "state reported once, not every frame");
    }

    @Test
    void minimumIntervalDefersAChangeUntilItEnds() {
        EventPolicy p = new EventPolicy(new PolicySettings(1, 0.0, 1, 1000, 60_000), out::add);
        p.onResult(result(1, 0.9f), 0);
        p.onResult(result(2, 0.9f), 100);
        assertEquals(1, of(EventType.CLASSIFICATION).size(), "second change within 1 s is held back");
        p.tick(500, MODEL);
        assertEquals(1, of(EventType.CLASSIFICATION).size());
        p.tick(1000, MODEL);
        assertEquals(2, of(EventType.CLASSIFICATION).size(), "sent when the interval ends");
        assertEquals("2", of(EventType.CLASSIFICATION).get(1).topLabel());
        // A change that reverts before the interval ends sends nothing.
        p.onResult(result(3, 0.9f), 1100);
        p.onResult(result(2, 0.9f), 1200);
        p.tick(2500, MODEL);
        assertEquals(2, of(EventType.CLASSIFICATION).size());
    }

    @Test
    void lowConfidenceFramesHaveNoLabel() {
        EventPolicy p = new EventPolicy(new PolicySettings(1, 0.5, 1, 0, 60_000), out::add);
        p.onResult(result(1, 0.3f), 0);
        p.onResult(result(1, 0.4f), 10);
        assertEquals(0, of(EventType.CLASSIFICATION).size());
        p.onResult(result(1, 0.6f), 20);
        assertEquals(1, of(EventType.CLASSIFICATION).size());
        assertEquals(0.6, of(EventType.CLASSIFICATION).get(0).topK().get(0).score(), 1e-6);
    }

    @Test
    void modelSwitchStartsLabelsOver() {
        EventPolicy p = new EventPolicy(new PolicySettings(1, 0.0, 1, 0, 60_000), out::add);
        p.onResult(result(1, 0.9f), 0);
        Result other = result(1, 0.9f);
        other.model = new ModelRef("other", "ba9876543210");
        p.onResult(other, 10);
        assertEquals(2, of(EventType.CLASSIFICATION).size(), "same index, different model: a new result");
        assertEquals("other", of(EventType.CLASSIFICATION).get(1).model().name());
    }
}
