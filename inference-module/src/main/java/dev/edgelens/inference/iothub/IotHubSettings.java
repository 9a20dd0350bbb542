package dev.edgelens.inference.iothub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The IoT Hub sink's configuration, immutable and validated. Built by {@link IotHubOptions} from the
 * command line and environment; the connection string is a secret and never appears in
 * {@link #toString()}.
 *
 * @param mode               {@code auto}: IoT Edge when its variables are present, else a device
 *                           connection string when given, else off; or forced {@code edge},
 *                           {@code device}, {@code off}
 * @param connectionString   device connection string (device mode); null if none
 * @param protocol           transport to the hub or edgeHub
 * @param outputName         module output the events go to (IoT Edge routes pick it up by name)
 * @param maxMessageBytes    largest message sent (IoT Hub meters 4 KB units; 256 KB is its limit)
 * @param caFile             PEM file with the CA to trust instead of the system's (device mode,
 *                           e.g. behind a gateway); null for the default trust
 * @param outboxDir          directory of the durable outbox
 * @param outboxMaxBytes     outbox size limit
 * @param fsync              outbox fsync policy
 * @param reportInterval     how often status is written to reported properties
 */
public record IotHubSettings(Mode mode, String connectionString, Protocol protocol, String outputName,
                             int maxMessageBytes, Path caFile, Path outboxDir, long outboxMaxBytes,
                             Outbox.FsyncPolicy fsync, Duration reportInterval) {

    /** How the sink connects. */
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

    /** The largest message IoT Hub accepts. */
    public static final int HUB_MESSAGE_LIMIT = 256 * 1024;

    public IotHubSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(outboxDir, "outboxDir");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(reportInterval, "reportInterval");
        if (connectionString != null && connectionString.isBlank()) {
            connectionString = null;
        }
        if (outputName == null || outputName.isBlank()) {
            throw new IllegalArgumentException("iothub-output: must not be empty (default: events)");
        }
        if (maxMessageBytes < 512 || maxMessageBytes > HUB_MESSAGE_LIMIT) {
            throw new IllegalArgumentException("iothub-max-message-bytes: " + maxMessageBytes
                    + " is out of range; expected 512.." + HUB_MESSAGE_LIMIT + " (IoT Hub's limit)");
        }
        if (outboxMaxBytes < Math.max(4096, maxMessageBytes * 2L)) {
            throw new IllegalArgumentException("iothub-outbox-max-bytes: " + outboxMaxBytes
                    + " is too small; expected at least twice the message limit and 4096");
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

    /**
     * What {@link Mode#AUTO} resolves to in this environment: edge when IoT Edge gave the process
     * its variables ({@code EdgeHubConnectionString} or {@code IOTEDGE_WORKLOADURI}), device when a
     * connection string is configured, otherwise off (the stdout/file sinks only).
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
        return "IotHubSettings[mode=" + mode + ", connectionString=" + (connectionString == null ? "none" : "***")
                + ", protocol=" + protocol.optionName() + ", output=" + outputName + ", maxMessageBytes="
                + maxMessageBytes + ", caFile=" + caFile + ", outbox=" + outboxDir + ", outboxMaxBytes="
                + outboxMaxBytes + ", fsync=" + fsync + ", reportInterval=" + reportInterval + "]";
    }
}
