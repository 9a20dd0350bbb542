package dev.edgelens.edge.iothub;

import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The module twin: desired properties configure the program live, reported properties show what
 * runs. On every (re)connect the full desired document is read and applied, then each desired
 * patch is applied as it comes, all or nothing through {@link ModuleControl#applySettings}. What
 * is reported:
 * <ul>
 *   <li>{@code config}: the effective settings</li>
 *   <li>{@code configStatus}: {@code status} applied|rejected, {@code reason} (rejected only),
 *       {@code desiredVersion}, {@code time}</li>
 *   <li>{@code status}: {@link ModuleControl#status()} plus {@code iothub} (connection, outbox),
 *       refreshed every report interval</li>
 * </ul>
 * Work runs on one thread of its own, never on the SDK's callback threads.
 */
public final class TwinSync implements HubConnection.OpenListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TwinSync.class);

    private final ModuleControl control;
    private final Supplier<Map<String, Object>> hubStatus;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "iothub-twin");
        t.setDaemon(true);
        return t;
    });
    private volatile InternalClient client;

    public TwinSync(ModuleControl control, Supplier<Map<String, Object>> hubStatus, Duration reportInterval) {
        this.control = control;
        this.hubStatus = hubStatus;
        worker.scheduleWithFixedDelay(this::reportStatus, reportInterval.toMillis(), reportInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(InternalClient c) throws Exception {
        client = c;
        c.subscribeToDesiredProperties((twin, ctx) -> worker.execute(() -> onDesired(twin.getDesiredProperties(), false)),
                null);
        requestTwin(c, 1);
    }

    /**
     * Reads the whole twin, asynchronously: with a hub that answers within a few milliseconds (a
     * local edgeHub, the test broker) SDK 2.5.0 sometimes misses the answer to a request it has
     * just sent, and its synchronous calls then block for a minute. So nothing here waits on the
     * SDK: a twin read without an answer is asked again, a lost reported-properties answer only
     * costs a log line (the next report carries the same state).
     */
    private void requestTwin(InternalClient c, int attempt) {
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            c.getTwinAsync((Twin twin, com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException error,
                            Object ctx) -> {
                answered.set(true);
                if (error != null || twin == null) {
                    log.warn("twin: cannot read the twin: {}", error == null ? "no twin" : Secrets.describe(error));
                    return;
                }
                worker.execute(() -> onDesired(twin.getDesiredProperties(), true));
            }, null);
        } catch (RuntimeException e) {
            log.warn("twin: cannot read the twin: {}", Secrets.describe(e));
            return;
        }
        worker.schedule(() -> {
            if (!answered.get() && client == c && attempt < MAX_TWIN_READS) {
                log.info("twin: no answer to the twin read within {} s, asking again", TWIN_READ_WAIT.toSeconds());
                requestTwin(c, attempt + 1);
            }
        }, TWIN_READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static final Duration TWIN_READ_WAIT = Duration.ofSeconds(5);
    private static final int MAX_TWIN_READS = 12;

    private void onDesired(TwinCollection desired, boolean full) {
        Integer version = desired.getVersion();
        Map<String, Object> configStatus = new LinkedHashMap<>();
        configStatus.put("desiredVersion", version);
        configStatus.put("time", Instant.now().toString());
        try {
            Map<String, String> changes = toSettings(desired);
            if (!changes.isEmpty()) {
                control.applySettings(changes);
                log.info("twin: desired properties v{} applied: {}", version, changes.keySet());
            }
            configStatus.put("status", "applied");
            configStatus.put("reason", null);
        } catch (IllegalArgumentException e) {
            log.warn("twin: desired properties v{} rejected, configuration unchanged: {}", version, e.getMessage());
            configStatus.put("status", "rejected");
            configStatus.put("reason", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("twin: applying desired properties v{} failed: {}", version, Secrets.describe(e));
            configStatus.put("status", "rejected");
            configStatus.put("reason", "failed: " + Secrets.describe(e));
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("config", control.effectiveSettings());
        patch.put("configStatus", configStatus);
        if (full) {
            patch.put("status", fullStatus());
        }
        report(patch);
    }

    /** Desired properties as option values; IllegalArgumentException for anything not a plain value. */
    static Map<String, String> toSettings(Map<String, Object> desired) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : desired.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("$")) {
                continue;
            }
            Object v = e.getValue();
            if (v == null) {
                out.put(k, null);
            } else if (v instanceof String s) {
                out.put(k, s);
            } else if (v instanceof Boolean b) {
                out.put(k, b.toString());
            } else if (v instanceof Number n) {
                out.put(k, numberText(n));
            } else {
                throw new IllegalArgumentException("desired property '" + k + "': expected a single value "
                        + "(string, number or boolean), got " + (v instanceof Map ? "an object" : v instanceof List ? "an array" : v.getClass().getSimpleName()));
            }
        }
        return out;
    }

    /** JSON numbers arrive as doubles: 3 must become "3", not "3.0", to parse as an integer option. */
    private static String numberText(Number n) {
        BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
        return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }

    private Map<String, Object> fullStatus() {
        Map<String, Object> s = new LinkedHashMap<>(control.status());
        s.put("iothub", hubStatus.get());
        return s;
    }

    private void reportStatus() {
        if (client != null) {
            try {
                report(Map.of("status", fullStatus()));
            } catch (RuntimeException e) {
                log.warn("twin: status report failed: {}", Secrets.describe(e));
            }
        }
    }

    private void report(Map<String, Object> patch) {
        InternalClient c = client;
        if (c == null) {
            return;
        }
        try {
            c.updateReportedPropertiesAsync(toTwin(patch),
                    (com.microsoft.azure.sdk.iot.device.IotHubStatusCode status,
                     com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse response,
                     com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException error, Object ctx) -> {
                        if (error != null) {
                            log.warn("twin: reported properties not updated: {}", Secrets.describe(error));
                        }
                    }, null);
        } catch (RuntimeException e) {
            log.warn("twin: reported properties not updated: {}", Secrets.describe(e));
        }
    }

    @SuppressWarnings("unchecked")
    static TwinCollection toTwin(Map<String, Object> map) {
        TwinCollection t = new TwinCollection();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                v = toTwin((Map<String, Object>) m);
            } else if (v instanceof Instant || v instanceof Duration || v instanceof Enum<?> || v instanceof java.nio.file.Path) {
                v = v.toString();
            }
            t.put(e.getKey(), v);
        }
        return t;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
