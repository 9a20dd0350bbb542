package dev.edgelens.inference.event;

import java.util.List;

/**
 * What a sink receives: one or more events and their serialised form, made once by the event
 * policy so every sink sends the same bytes.
 *
 * <p>{@link #json()} is a single event object when the message holds one event, otherwise a JSON
 * array of event objects. With batching enabled the policy keeps {@code json().length} within the
 * configured limit (4 KB by default); a single event is never split.
 */
public final class Message {

    private final List<Event> events;
    private final byte[] json;

    private Message(List<Event> events, byte[] json) {
        this.events = events;
        this.json = json;
    }

    /** Builds a message from one or more events (serialised here, with {@link EventJson}). */
    public static Message of(List<Event> events) {
        if (events == null || events.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one event");
        }
        List<Event> copy = List.copyOf(events);
        byte[] json = copy.size() == 1 ? EventJson.toBytes(copy.get(0)) : EventJson.toBytes(copy);
        return new Message(copy, json);
    }

    /** A message holding exactly one event. */
    public static Message of(Event event) {
        return of(List.of(event));
    }

    /** The events, in the order they were produced. */
    public List<Event> events() {
        return events;
    }

    /** The serialised body (a copy: an object for one event, an array for several). */
    public byte[] json() {
        return json.clone();
    }

    /** Size of the serialised body in bytes. */
    public int size() {
        return json.length;
    }

    /** Serialised size of a message holding {@code events}, without building it. */
    public static int sizeOf(List<Event> events) {
        return events.size() == 1 ? EventJson.toBytes(events.get(0)).length : EventJson.toBytes(events).length;
    }

    @Override
    public String toString() {
        return new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }
}
