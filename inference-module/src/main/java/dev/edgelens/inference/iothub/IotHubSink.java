package dev.edgelens.inference.iothub;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.Secrets;
import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventSink;
import dev.edgelens.inference.event.EventType;
import dev.edgelens.inference.event.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends event messages to IoT Hub (or edgeHub) through the Azure IoT device SDK, with nothing lost:
 * {@link #publish} writes the message to the durable {@link Outbox} and returns; a sender thread
 * sends the oldest pending message, waits for the hub's acknowledgement and only then deletes it.
 * One message is in flight at a time, so messages arrive in the order they were published (also
 * across reconnects and restarts); a message whose acknowledgement was lost is sent again with the
 * same message id (at-least-once).
 *
 * <p>Each message: {@code contentType=application/json}, {@code contentEncoding=utf-8}, message id
 * = the event id (the first event's for a batch), application properties {@code eventType},
 * {@code cameraId}, {@code topLabel}, {@code eventCount} for routing queries.
 */
public final class IotHubSink implements EventSink {

    private static final Logger log = LoggerFactory.getLogger(IotHubSink.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Counters for logs and reported properties. */
    public record Stats(long sent, long sendFailures, long oversize, long rejected, Outbox.Stats outbox,
                        HubConnection.State connection) {
    }

    private final HubConnection connection;
    private final Outbox outbox;
    private final int maxMessageBytes;
    private final Thread sender;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong oversize = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Duration closeDrain;
    private volatile boolean running = true;
    /** System.nanoTime() until which a closing sink still sends what is pending. */
    private volatile long drainDeadline;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts sending what {@code outbox} holds (messages of an earlier run go first).
     *
     * @param closeDrain how long {@link #close()} keeps sending what is pending before leaving it
     *                   in the outbox for the next run
     */
    public IotHubSink(HubConnection connection, Outbox outbox, int maxMessageBytes, Duration closeDrain) {
        this.connection = connection;
        this.outbox = outbox;
        this.maxMessageBytes = maxMessageBytes;
        this.closeDrain = closeDrain;
        this.sender = new Thread(this::sendLoop, "iothub-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** The sink for {@code settings} in this environment, or null when IoT Hub is off. */
    public static IotHubSink create(IotHubSettings settings, Map<String, String> env) throws IOException {
        IotHub hub = IotHub.start(settings, env, null);
        return hub == null ? null : hub.sink();
    }

    @Override
    public void publish(Message message) {
        if (message.size() > maxMessageBytes && message.events().size() > 1) {
            // a batch over the limit (the policy should not build one): send its events one by one
            for (Event e : message.events()) {
                publish(Message.of(e));
            }
            return;
        }
        if (message.size() > maxMessageBytes) {
            oversize.incrementAndGet();
            log.error("IoT Hub: event {} is {} bytes, over the {}-byte message limit (--iothub-max-message-bytes); "
                    + "not sent upstream ({} so far)", message.events().get(0).id(), message.size(), maxMessageBytes,
                    oversize.get());
            return;
        }
        List<Event> events = message.events();
        boolean heartbeats = events.stream().allMatch(e -> e.type() == EventType.HEARTBEAT);
        try {
            outbox.append(events.get(0).id(), heartbeats, properties(events), message.json());
        } catch (IOException | RuntimeException e) {
            log.error("IoT Hub: cannot store event {} in the outbox {}: {}", events.get(0).id(),
                    outbox.directory(), e.toString());
        }
    }

    /** Application properties for routing: the type, camera and top label the message is about. */
    static Map<String, String> properties(List<Event> events) {
        Map<String, String> p = new LinkedHashMap<>();
        Event first = events.get(0);
        boolean oneType = events.stream().allMatch(e -> e.type() == first.type());
        p.put("eventType", oneType ? first.type().jsonName() : "mixed");
        String camera = first.cameraId();
        if (camera != null && events.stream().allMatch(e -> camera.equals(e.cameraId()))) {
            p.put("cameraId", camera);
        }
        for (int i = events.size() - 1; i >= 0; i--) {
            String label = events.get(i).topLabel();
            if (label != null) {
                p.put("topLabel", label);
                break;
            }
        }
        if (events.size() > 1) {
            p.put("eventCount", Integer.toString(events.size()));
        }
        return p;
    }

    private void sendLoop() {
        Duration backoff = Duration.ofMillis(250);
        while (running || (System.nanoTime() < drainDeadline && outbox.stats().pending() > 0)) {
            try {
                if (!connection.ensureOpen()) {
                    sleep(backoff);
                    backoff = next(backoff);
                    continue;
                }
                Outbox.Entry e = outbox.awaitOldest(Duration.ofMillis(200));
                if (e == null) {
                    continue;
                }
                if (send(e)) {
                    sent.incrementAndGet();
                    outbox.remove(e);
                    backoff = Duration.ofMillis(250);
                } else {
                    sendFailures.incrementAndGet();
                    sleep(backoff);
                    backoff = next(backoff);
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception ex) {
                log.warn("IoT Hub sender: {}", Secrets.describe(ex));
                sleep(backoff);
                backoff = next(backoff);
            }
        }
    }

    /** Hub answers that mean "this message, never": anything else is retried. */
    private static final java.util.Set<IotHubStatusCode> REFUSED_FOR_GOOD =
            java.util.EnumSet.of(IotHubStatusCode.BAD_FORMAT, IotHubStatusCode.REQUEST_ENTITY_TOO_LARGE);

    /**
     * Sends one entry and waits for the hub's answer; true when it is done with (acknowledged, or
     * refused for good and dropped), false to retry it.
     */
    private boolean send(Outbox.Entry e) throws InterruptedException {
        com.microsoft.azure.sdk.iot.device.Message m = new com.microsoft.azure.sdk.iot.device.Message(e.body());
        m.setMessageId(e.messageId());
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        e.properties().forEach(m::setProperty);
        CompletableFuture<IotHubClientException> done = new CompletableFuture<>();
        connection.sendAsync(m, (msg, error, ctx) -> done.complete(error));
        // While the SDK reconnects by itself it keeps the message queued: keep waiting. Stop waiting
        // only when it gave up (the client is re-opened and the message sent again) or on shutdown.
        while (true) {
            try {
                IotHubClientException error = done.get(500, TimeUnit.MILLISECONDS);
                if (error != null && REFUSED_FOR_GOOD.contains(error.getStatusCode())) {
                    // retrying a message the hub refuses as such would block every message behind it
                    rejected.incrementAndGet();
                    log.error("IoT Hub refused message {} for good ({}); dropped, {} so far", e.messageId(),
                            error.getStatusCode(), rejected.get());
                    return true;
                }
                if (error != null) {
                    log.warn("IoT Hub did not accept message {}: {} (will retry)", e.messageId(), Secrets.describe(error));
                    return false;
                }
                return true;
            } catch (TimeoutException t) {
                if (connection.needsReopen() || (!running && System.nanoTime() > drainDeadline)) {
                    return false;
                }
            } catch (ExecutionException x) {
                return false;
            }
        }
    }

    private static Duration next(Duration d) {
        Duration n = d.multipliedBy(2);
        return n.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : n;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Stats stats() {
        return new Stats(sent.get(), sendFailures.get(), oversize.get(), rejected.get(), outbox.stats(),
                connection.state());
    }

    /** The IoT Hub side's own status, for reported properties and getStatus (no secrets). */
    public Map<String, Object> statusMap() {
        Stats s = stats();
        Map<String, Object> box = new LinkedHashMap<>();
        box.put("pending", s.outbox().pending());
        box.put("pendingBytes", s.outbox().pendingBytes());
        box.put("droppedHeartbeats", s.outbox().droppedHeartbeats());
        box.put("droppedOther", s.outbox().droppedOther());
        box.put("corrupt", s.outbox().corrupt());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connection", connection.stateMap());
        m.put("outbox", box);
        m.put("sent", s.sent());
        m.put("sendFailures", s.sendFailures());
        m.put("oversize", s.oversize());
        m.put("rejected", s.rejected());
        return m;
    }

    public HubConnection connection() {
        return connection;
    }

    public Outbox outbox() {
        return outbox;
    }

    @Override
    public String name() {
        return "iothub";
    }

    /**
     * Sends what is pending for up to the drain time, then leaves the rest in the outbox. Safe to
     * call twice (the event dispatcher closes its sinks, and {@link IotHub#close()} closes it too).
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        drainDeadline = System.nanoTime() + closeDrain.toNanos();
        running = false;
        try {
            sender.join(closeDrain.toMillis() + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        Outbox.Stats s = outbox.stats();
        if (s.pending() > 0) {
            log.info("IoT Hub sink closing with {} message(s) left in the outbox {}; they go first next time",
                    s.pending(), outbox.directory());
        }
        connection.close();
        outbox.close();
    }
}
