package dev.edgelens.inference.policy;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventJson;
import dev.edgelens.inference.event.EventSink;
import dev.edgelens.inference.event.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Moves events off the inference thread and hands them to every sink as {@link Message}s. Without
 * batching each event is its own message. With batching, events arriving within the batch window
 * of the first one are packed, in order, into messages of at most {@code maxBytes} serialised
 * bytes (a single event larger than that is sent alone, with a warning).
 */
public final class EventDispatcher implements Consumer<Event>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final Event POISON = Event.modelRejected("", "", null);

    private final List<EventSink> sinks;
    // Volatile: changed live (module twin), read by the dispatcher thread per batch.
    private volatile long windowMillis;
    private volatile int maxBytes;
    private final BlockingQueue<Event> queue;
    private final Thread thread;
    private long dropped;

    /**
     * @param sinks        where messages go, in this order
     * @param windowMillis batching window; 0 = no batching
     * @param maxBytes     largest batched message (e.g. 4096)
     * @param capacity     events queued before new ones are dropped
     */
    public EventDispatcher(List<EventSink> sinks, long windowMillis, int maxBytes, int capacity) {
        if (windowMillis < 0) {
            throw new IllegalArgumentException("batch window must be >= 0, got " + windowMillis);
        }
        if (maxBytes < 256) {
            throw new IllegalArgumentException("batch max bytes must be >= 256, got " + maxBytes);
        }
        this.sinks = List.copyOf(sinks);
        this.windowMillis = windowMillis;
        this.maxBytes = maxBytes;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::loop, "event-dispatcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Batching from the next message on (any thread); same rules as the constructor. */
    public void batching(long windowMillis, int maxBytes) {
        if (windowMillis < 0) {
            throw new IllegalArgumentException("batch window must be >= 0, got " + windowMillis);
        }
        if (maxBytes < 256) {
            throw new IllegalArgumentException("batch max bytes must be >= 256, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.windowMillis = windowMillis;
    }

    /** Queues an event; never blocks the caller (drops and counts when the queue is full). */
    @Override
    public void accept(Event event) {
        if (!queue.offer(event)) {
            dropped++;
            if (Long.bitCount(dropped) == 1) {
                LOG.warn("event queue full (sinks too slow): {} event(s) dropped so far", dropped);
            }
        }
    }

    private void loop() {
        List<Event> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                Event first = queue.take();
                if (first == POISON) {
                    break;
                }
                batch.add(first);
                long window = windowMillis;
                if (window > 0) {
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(window);
                    long left;
                    while ((left = deadline - System.nanoTime()) > 0) {
                        Event e = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (e == null) {
                            break;
                        }
                        if (e == POISON) {
                            stop = true;
                            break;
                        }
                        batch.add(e);
                    }
                } else {
                    publish(Message.of(first));
                    batch.clear();
                    continue;
                }
                for (Message m : pack(batch, maxBytes)) {
                    publish(m);
                }
                batch.clear();
            } catch (InterruptedException e) {
                stop = true;
            }
        }
        // Flush what is left so close() loses nothing already accepted.
        for (Event e : batch) {
            publish(Message.of(e));
        }
        List<Event> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.removeIf(e -> e == POISON);
        if (!rest.isEmpty()) {
            for (Message m : windowMillis > 0 ? pack(rest, maxBytes) : single(rest)) {
                publish(m);
            }
        }
    }

    private static List<Message> single(List<Event> events) {
        List<Message> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(Message.of(e));
        }
        return out;
    }

    /**
     * Packs events, in order, into as few messages as fit {@code maxBytes} each. A message of n >= 2
     * events is a JSON array: 2 brackets + the events + n - 1 commas.
     */
    public static List<Message> pack(List<Event> events, int maxBytes) {
        List<Message> out = new ArrayList<>();
        List<Event> cur = new ArrayList<>();
        long curBytes = 0;
        for (Event e : events) {
            int size = EventJson.toBytes(e).length;
            if (size > maxBytes) {
                LOG.warn("event {} is {} bytes, more than the {} byte message limit; sent alone", e.id(), size,
                        maxBytes);
            }
            long withIt = cur.isEmpty() ? size : 2 + curBytes + size + cur.size();
            if (!cur.isEmpty() && withIt > maxBytes) {
                out.add(Message.of(cur));
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(e);
            curBytes += size;
        }
        if (!cur.isEmpty()) {
            out.add(Message.of(cur));
        }
        return out;
    }

    private void publish(Message m) {
        for (EventSink s : sinks) {
            try {
                s.publish(m);
            } catch (RuntimeException e) {
                LOG.error("event sink {} failed; {} event(s) not delivered there: {}", s.name(), m.events().size(),
                        e.toString());
            }
        }
    }

    /** Sends what is queued, stops the thread, closes the sinks. */
    @Override
    public void close() {
        try {
            queue.put(POISON);
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (EventSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("closing event sink {}: {}", s.name(), e.toString());
            }
        }
    }
}
