package dev.edgelens.edge.iothub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a module connects to IoT Hub (or to edgeHub inside IoT Edge), immutable and validated. Built by
 * {@link HubOptions} from the command line and environment; the same for every EdgeLens module. The
 * connection string is a secret and never appears in {@link #toString()}.
 *
 * @param mode             {@code auto}: IoT Edge when its variables are present, else a connection
 *                         string when given, else off; or forced {@code edge}, {@code device}, {@code off}
 * @param connectionString device (or module identity) connection string; null if none
 * @param protocol         transport to the hub or edgeHub
 * @param caFile           PEM file with the CA to trust instead of the system's (device mode, e.g.
 *                         behind a gateway); null for the default trust
 * @param reportInterval   how often status is written to the twin's reported properties
 */
public record HubSettings(Mode mode, String connectionString, Protocol protocol, Path caFile,
                          Duration reportInterval) {

    /** How the module connects. */
    public enum Mode { AUTO, EDGE, DEVICE, OFF }

    /** Transport; MQTT is the default. */
    public enum Protocol {
        MQTT(com.microsoft.azure.sdk.iot.device.IotHubClientProtocol.MQTT),
        MQTT_WS(com.microsoft.azure.sdk.iot.device.IotHubClientProtocol.MQTT_WS),
        AMQP(com.microsoft.azure.sdk.iot.device.IotHubClientProtocol.AMQPS),
        AMQP_WS(com.microsoft.azure.sdk.iot.device.IotHubClientProtocol.AMQPS_WS);

        final com.microsoft.azure.sdk.iot.device.IotHubClientProtocol sdk;

        Protocol(com.microsoft.azure.sdk.iot.device.IotHubClientProtocol sdk) {
            this.sdk = sdk;
        }

        /** The option value: {@code mqtt}, {@code mqtt-ws}, {@code amqp}, {@code amqp-ws}. */
        public String optionName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public HubSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(reportInterval, "reportInterval");
        if (connectionString != null && connectionString.isBlank()) {
            connectionString = null;
        }
        if (reportInterval.isNegative() || reportInterval.isZero()) {
            throw new IllegalArgumentException("iothub-report-interval: must be positive, got " + reportInterval);
        }
        if (mode == Mode.DEVICE && connectionString == null) {
            throw new IllegalArgumentException("iothub-mode=device needs --iothub-connection-string "
                    + "(or EDGELENS_IOTHUB_CONNECTION_STRING)");
        }
        if (connectionString != null && !connectionString.contains("HostName=")) {
            throw new IllegalArgumentException("iothub-connection-string: expected HostName=...;DeviceId=...;"
                    + "SharedAccessKey=... (value not shown)");
        }
    }

    /** IoT Hub off: no connection, no twin. */
    public static HubSettings off() {
        return new HubSettings(Mode.OFF, null, Protocol.MQTT, null, Duration.ofSeconds(60));
    }

    /**
     * What {@link Mode#AUTO} resolves to in this environment: edge when IoT Edge gave the process
     * its variables ({@code EdgeHubConnectionString} or {@code IOTEDGE_WORKLOADURI}), device when a
     * connection string is configured, otherwise off.
     */
    public Mode effectiveMode(Map<String, String> env) {
        if (mode != Mode.AUTO) {
            return mode;
        }
        if (env.get("EdgeHubConnectionString") != null || env.get("IOTEDGE_WORKLOADURI") != null) {
            return Mode.EDGE;
        }
        return connectionString != null ? Mode.DEVICE : Mode.OFF;
    }

    @Override
    public String toString() {
        return "HubSettings[mode=" + mode + ", connectionString=" + (connectionString == null ? "none" : "***")
                + ", protocol=" + protocol.optionName() + ", caFile=" + caFile + ", reportInterval="
                + reportInterval + "]";
    }
}
