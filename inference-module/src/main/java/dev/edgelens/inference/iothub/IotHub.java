package dev.edgelens.inference.iothub;

import dev.edgelens.edge.iothub.DirectMethods;
import dev.edgelens.edge.iothub.HubClients;
import dev.edgelens.edge.iothub.HubConnection;
import dev.edgelens.edge.iothub.ModuleTwin;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything IoT Hub for the inference program, wired together: the event sink and, when an
 * {@link InferenceModuleControl} is given, the module twin and direct methods ({@code getStatus},
 * {@code setModel}, {@code snapshot}) on the same connection. Usage in the program:
 * <pre>{@code
 * IotHub hub = IotHub.start(iothubOptions.toSettings(), System.getenv(), control); // null: IoT Hub off
 * if (hub != null) sinks.add(hub.sink());
 * ...
 * if (hub != null) hub.close();   // after the last publish
 * }</pre>
 */
public final class IotHub implements AutoCloseable {

    private final IotHubSink sink;
    private final ModuleTwin twin;

    private IotHub(IotHubSink sink, ModuleTwin twin) {
        this.sink = sink;
        this.twin = twin;
    }

    /**
     * Connects as configured (in the background: an unreachable hub does not delay the start), or
     * returns null when IoT Hub is off in this environment.
     *
     * @param control the program's live settings and status; null for events only
     */
    public static IotHub start(IotHubSettings settings, Map<String, String> env, InferenceModuleControl control)
            throws IOException {
        var client = HubClients.create(settings.hub(), env);
        if (client == null) {
            return null;
        }
        LoggerFactory.getLogger(IotHub.class).info("IoT Hub: {} client, {}", settings.hub().effectiveMode(env), settings);
        Outbox box = Outbox.open(settings.outboxDir(), settings.outboxMaxBytes(), settings.fsync());
        HubConnection connection = new HubConnection(client, settings.outputName());
        return wire(connection, box, settings.maxMessageBytes(), settings.hub().reportInterval(), control);
    }

    /** Wires sink, twin and methods onto {@code connection} (tests use this with their own client). */
    static IotHub wire(HubConnection connection, Outbox box, int maxMessageBytes, Duration reportInterval,
                       InferenceModuleControl control) {
        ModuleTwin twin = null;
        IotHubSink[] sinkRef = new IotHubSink[1];
        if (control != null) {
            // the sink's sender keeps the connection open and closes it after draining: the twin does not own it
            twin = ModuleTwin.attach(connection, false, control, methods(control), () -> sinkRef[0].statusMap(),
                    reportInterval);
        }
        sinkRef[0] = new IotHubSink(connection, box, maxMessageBytes, Duration.ofSeconds(5));
        return new IotHub(sinkRef[0], twin);
    }

    /** {@code setModel {"model": NAME}} and {@code snapshot {"cameraId": ID}}. */
    static Map<String, DirectMethods.Method> methods(InferenceModuleControl control) {
        Map<String, DirectMethods.Method> m = new LinkedHashMap<>();
        m.put("setModel", p -> control.setModel(
                DirectMethods.requiredText(p, "model", "setModel", "{\"model\": \"mobilenetv2-12-int8\"}")));
        m.put("snapshot", p -> control.snapshot(
                DirectMethods.requiredText(p, "cameraId", "snapshot", "{\"cameraId\": \"cam-1\"}")));
        return m;
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
