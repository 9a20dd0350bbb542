package dev.edgelens.inference.iothub;

import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Everything IoT Hub for the inference program, wired together: the event sink and, when a
 * {@link ModuleControl} is given, the module twin and direct methods on the same connection.
 * Usage in the program:
 * <pre>{@code
 * IotHub hub = IotHub.start(iothubOptions.toSettings(), System.getenv(), control); // null: IoT Hub off
 * if (hub != null) sinks.add(hub.sink());
 * ...
 * if (hub != null) hub.close();   // after the last publish
 * }</pre>
 */
public final class IotHub implements AutoCloseable {

    private final IotHubSink sink;
    private final TwinSync twin;

    private IotHub(IotHubSink sink, TwinSync twin) {
        this.sink = sink;
        this.twin = twin;
    }

    /**
     * Connects as configured (in the background: an unreachable hub does not delay the start), or
     * returns null when IoT Hub is off in this environment.
     *
     * @param control the program's live settings and status; null for events only
     */
    public static IotHub start(IotHubSettings settings, Map<String, String> env, ModuleControl control)
            throws IOException {
        var client = HubClients.create(settings, env);
        if (client == null) {
            return null;
        }
        LoggerFactory.getLogger(IotHub.class).info("IoT Hub: {} client, {}", settings.effectiveMode(env), settings);
        Outbox box = Outbox.open(settings.outboxDir(), settings.outboxMaxBytes(), settings.fsync());
        HubConnection connection = new HubConnection(client, settings.outputName());
        return wire(connection, box, settings.maxMessageBytes(), settings.reportInterval(), control);
    }

    /** Wires sink, twin and methods onto {@code connection} (tests use this with their own client). */
    static IotHub wire(HubConnection connection, Outbox box, int maxMessageBytes, Duration reportInterval,
                       ModuleControl control) {
        TwinSync twin = null;
        IotHubSink[] sinkRef = new IotHubSink[1];
        if (control != null) {
            twin = new TwinSync(control, () -> sinkRef[0].statusMap(), reportInterval);
            connection.addOpenListener(twin);
            connection.addOpenListener(new DirectMethods(control, () -> sinkRef[0].statusMap()));
        }
        // listeners first: the sink's sender thread opens the connection
        sinkRef[0] = new IotHubSink(connection, box, maxMessageBytes, Duration.ofSeconds(5));
        return new IotHub(sinkRef[0], twin);
    }

    public IotHubSink sink() {
        return sink;
    }

    @Override
    public void close() {
        if (twin != null) {
            twin.close();
        }
        sink.close();
    }
}
