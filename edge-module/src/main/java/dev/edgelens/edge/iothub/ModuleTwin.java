package dev.edgelens.edge.iothub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A module's twin and direct methods on one IoT Hub connection. Every open of the connection re-reads
 * the twin and re-subscribes. A twin that owns its connection also keeps it open: opened in the
 * background (an unreachable hub does not delay the program) and re-opened with backoff when the SDK
 * gives up. Programs that also send telemetry share their {@link HubConnection}, which their sender
 * already keeps open.
 * <pre>{@code
 * ModuleTwin twin = ModuleTwin.start(hubSettings, System.getenv(), control, Map.of()); // null: IoT Hub off
 * ...
 * if (twin != null) twin.close();
 * }</pre>
 */
public final class ModuleTwin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModuleTwin.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final Duration CHECK = Duration.ofSeconds(1);

    private final HubConnection connection;
    private final TwinSync twin;
    private final boolean ownsConnection;
    private final Thread keeper; // null when the connection's owner keeps it open
    private volatile boolean running = true;

    private ModuleTwin(HubConnection connection, TwinSync twin, boolean ownsConnection) {
        this.connection = connection;
        this.twin = twin;
        this.ownsConnection = ownsConnection;
        this.keeper = ownsConnection ? new Thread(this::keepOpen, "iothub-keeper") : null;
        if (keeper != null) {
            keeper.setDaemon(true);
        }
    }

    /**
     * Connects as configured and serves the twin and methods, or returns null when IoT Hub is off in
     * this environment.
     *
     * @param methods the program's own direct methods ({@code getStatus} is always there)
     */
    public static ModuleTwin start(HubSettings settings, Map<String, String> env, ModuleControl control,
                                   Map<String, DirectMethods.Method> methods) throws IOException {
        var client = HubClients.create(settings, env);
        if (client == null) {
            return null;
        }
        log.info("IoT Hub: {} client, {}", settings.effectiveMode(env), settings);
        HubConnection connection = new HubConnection(client, null);
        return attach(connection, true, control, methods, () -> Map.of("connection", connection.stateMap()),
                settings.reportInterval());
    }

    /**
     * Serves the twin and methods on {@code connection}.
     *
     * @param ownsConnection keep the connection open (a thread of its own) and close it in {@link #close()};
     *                       false when another user of it, such as an event sender, does both
     * @param hubStatus      the IoT Hub side's status for reports and getStatus (connection, outbox...)
     */
    public static ModuleTwin attach(HubConnection connection, boolean ownsConnection, ModuleControl control,
                                    Map<String, DirectMethods.Method> methods,
                                    Supplier<Map<String, Object>> hubStatus, Duration reportInterval) {
        TwinSync twin = new TwinSync(control, hubStatus, reportInterval);
        connection.addOpenListener(twin);
        connection.addOpenListener(new DirectMethods(control, hubStatus, methods));
        ModuleTwin t = new ModuleTwin(connection, twin, ownsConnection);
        if (t.keeper != null) {
            t.keeper.start();
        }
        return t;
    }

    private void keepOpen() {
        Duration wait = FIRST_RETRY;
        while (running) {
            if (connection.ensureOpen()) {
                wait = FIRST_RETRY;
                sleep(CHECK);
            } else {
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public HubConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        running = false;
        if (keeper != null) {
            keeper.interrupt();
        }
        twin.close();
        if (ownsConnection) {
            connection.close();
        }
    }
}
