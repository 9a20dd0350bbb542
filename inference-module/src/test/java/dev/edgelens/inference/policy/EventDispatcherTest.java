package dev.edgelens.inference.policy;

import dev.edgelens.inference.TestSupport.CollectingSink;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventJson;
import dev.edgelens.inference.event.Latency;
import dev.edgelens.inference.event.Message;
import dev.edgelens.inference.event.ModelRef;
import dev.edgelens.inference.event.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class EventDispatcherTest {

    private static Event classification(int i) {
        return Event.classification("camera-" + (i % 3), i, 1_700_000_000_000_000L + i, 1_700_000_000_050_000L + i,
                new ModelRef("mobilenetv2-12-int8", "cc028fe6cae7"),
                List.of(new Prediction("Egyptian cat", 285, 0.74), new Prediction("tabby", 281, 0.1),
                        new Prediction("tiger cat", 282, 0.05)),
                new Latency(1200, 300, 9000));
    }

    @Test
    void packingKeepsEveryMessageWithinTheLimitAndTheOrder() throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            events.add(classification(i));
        }
        List<Message> messages = EventDispatcher.pack(events, 4096);
        assertTrue(messages.size() > 1 && messages.size() < 60, "several events per message: " + messages.size());
        List<Event> back = new ArrayList<>();
        for (Message m : messages) {
            assertTrue(m.size() <= 4096, "message of " + m.size() + " bytes");
            assertEquals(m.size(), m.json().length);
            back.addAll(EventJson.readMessage(m.json()));
        }
        assertEquals(events, back, "all events, in order, byte-exact round trip");
        // Greedy packing: adding the next event's bytes would have crossed the limit.
        Message first = messages.get(0);
        List<Event> plusOne = new ArrayList<>(first.events());
        plusOne.add(events.get(first.events().size()));
        assertTrue(Message.sizeOf(plusOne) > 4096);
    }

    @Test
    void batchingWindowGroupsEventsAndUnbatchedSendsOneByOne() throws Exception {
        CollectingSink batched = new CollectingSink();
        try (EventDispatcher d = new EventDispatcher(List.of(batched), 200, 4096, 100)) {
            for (int i = 0; i < 20; i++) {
                d.accept(classification(i));
            }
        }
        assertEquals(20, batched.events().size());
        assertTrue(batched.messages().size() < 20, "batched into fewer messages: " + batched.messages().size());
        assertTrue(batched.messages().stream().allMatch(m -> m.size() <= 4096));

        CollectingSink single = new CollectingSink();
        try (EventDispatcher d = new EventDispatcher(List.of(single), 0, 4096, 100)) {
            for (int i = 0; i < 5; i++) {
                d.accept(classification(i));
            }
        }
        assertEquals(5, single.messages().size());
        assertTrue(single.messages().stream().allMatch(m -> m.events().size() == 1
                && new String(m.json()).startsWith("{")), "one JSON object per message");
        assertEquals(5, single.events().stream().map(Event::frameSequence).distinct().count());
    }
}
