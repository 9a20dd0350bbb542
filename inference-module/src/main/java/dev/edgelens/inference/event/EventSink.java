package dev.edgelens.inference.event;

/**
 * Where events go (standard output, a rotating file, IoT Hub). The event policy hands each sink
 * every {@link Message} it decides to send; a message holds one event, or several when batching is
 * enabled ({@link Message#json()} is then a JSON array of at most the configured size).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #publish} is called from one thread (the event thread, never the inference thread),
 *       in event order. It should return quickly: a sink that sends over a network queues
 *       internally and sends from its own thread.</li>
 *   <li>{@link #publish} does not throw for delivery problems; the sink logs them (and retries or
 *       drops as it documents). A RuntimeException that escapes is logged by the caller and does
 *       not stop the other sinks.</li>
 *   <li>Line-oriented sinks write one event per line (JSON lines of event objects), whether or not
 *       the message batches several; message-oriented sinks (IoT Hub) send {@code json()} as one
 *       message.</li>
 *   <li>{@link #close} flushes what is queued (bounded in time) and releases resources; it is
 *       called once, after the last publish.</li>
 * </ul>
 */
public interface EventSink extends AutoCloseable {

    /** Hands one message to the sink. */
    void publish(Message message);

    /** A short name for logs, e.g. {@code stdout}, {@code file:/var/log/edgelens/events.jsonl}. */
    String name();

    @Override
    void close();
}
