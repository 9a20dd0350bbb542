package dev.edgelens.edge.iothub;

import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageSentCallback;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One SDK client (device or module) and its lifecycle. The SDK reconnects by itself after a
 * network failure (status DISCONNECTED_RETRYING) but gives up after its operation timeout or on
 * credential errors (status DISCONNECTED); then this class closes and re-opens the client on the
 * next {@link #ensureOpen()}, so an outage of any length ends in a reconnect. Every status change is
 * logged (reason and cause, with secrets removed) and kept for the reported properties.
 */
public final class HubConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HubConnection.class);

    /** Told after every successful open, e.g. to (re)subscribe to the twin and methods. */
    public interface OpenListener {
        void onOpened(InternalClient client) throws Exception;
    }

    /** The connection as reported: status, why, since when. */
    public record State(String status, String reason, String detail, Instant since) {
    }

    private final InternalClient client;
    private final String outputName;
    private final List<OpenListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean open;
    private volatile boolean needsReopen;
    private volatile boolean closed;
    private volatile State state = new State("DISCONNECTED", "NOT_OPENED", "", Instant.now());
    private long opens;

    /**
     * @param outputName module output for telemetry; ignored for a device client
     */
    public HubConnection(InternalClient client, String outputName) {
        this.client = client;
        this.outputName = outputName;
        client.setConnectionStatusChangeCallback(this::onStatus, null);
    }

    public void addOpenListener(OpenListener l) {
        listeners.add(l);
    }

    private void onStatus(ConnectionStatusChangeContext c) {
        IotHubConnectionStatus s = c.getNewStatus();
        IotHubConnectionStatusChangeReason r = c.getNewStatusReason();
        String detail = c.getCause() == null ? "" : Secrets.describe(c.getCause());
        state = new State(s.name(), r.name(), detail, Instant.now());
        if (s == IotHubConnectionStatus.CONNECTED) {
            log.info("IoT Hub connection: {} ({})", s, r);
        } else {
            log.warn("IoT Hub connection: {} ({}){}", s, r, detail.isEmpty() ? "" : ": " + detail);
        }
        if (s == IotHubConnectionStatus.DISCONNECTED && r != IotHubConnectionStatusChangeReason.CLIENT_CLOSE && !closed) {
            needsReopen = true;
        }
    }

    /**
     * Opens the client if it is not open (or re-opens it after the SDK gave up). Returns false,
     * after logging why, if that failed; the caller retries later.
     */
    public synchronized boolean ensureOpen() {
        if (closed) {
            return false;
        }
        if (open && !needsReopen) {
            return true;
        }
        if (open) {
            log.info("IoT Hub client gave up reconnecting; closing and opening it again");
            client.close();
            open = false;
        }
        needsReopen = false;
        try {
            client.open(false);
            open = true;
            opens++;
        } catch (Exception e) {
            log.warn("IoT Hub client could not open: {}", Secrets.describe(e));
            client.close();
            return false;
        }
        for (OpenListener l : listeners) {
            try {
                l.onOpened(client);
            } catch (Exception e) {
                log.warn("IoT Hub: setting up after open failed: {}", Secrets.describe(e));
            }
        }
        return true;
    }

    /** True while the SDK gave up and the client must be re-opened. */
    public boolean needsReopen() {
        return needsReopen || closed;
    }

    /** Queues a telemetry message in the SDK (to the module output for a module client). */
    public void sendAsync(Message message, MessageSentCallback callback) {
        if (client instanceof ModuleClient m) {
            m.sendEventAsync(message, callback, null, outputName);
        } else {
            client.sendEventAsync(message, callback, null);
        }
    }

    public InternalClient client() {
        return client;
    }

    public State state() {
        return state;
    }

    /** The state as reported: {@code status}, {@code reason}, {@code since} (no secrets). */
    public java.util.Map<String, Object> stateMap() {
        State s = state;
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("status", s.status());
        m.put("reason", s.reason());
        m.put("since", s.since().toString());
        return m;
    }

    public synchronized long opens() {
        return opens;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (open) {
            client.close();
            open = false;
        }
    }
}
