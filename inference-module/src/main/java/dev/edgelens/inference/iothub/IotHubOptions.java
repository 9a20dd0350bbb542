package dev.edgelens.inference.iothub;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The IoT Hub options, as a picocli mixin for the inference program's command
 * ({@code @Mixin IotHubOptions iothub;}). Every option has an {@code EDGELENS_IOTHUB_*} environment
 * fallback. The connection string's value is never shown by {@code --help}.
 */
public final class IotHubOptions {

    @Option(names = "--iothub-mode", defaultValue = "${env:EDGELENS_IOTHUB_MODE:-auto}",
            converter = ModeConverter.class,
            description = "auto|edge|device|off. auto: IoT Edge module when its variables are present, "
                    + "else device client when a connection string is set, else no IoT Hub (default: ${DEFAULT-VALUE}).")
    IotHubSettings.Mode mode;

    @Option(names = "--iothub-connection-string", defaultValue = "${env:EDGELENS_IOTHUB_CONNECTION_STRING:-}",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
            description = "Device connection string HostName=...;DeviceId=...;SharedAccessKey=... "
                    + "(env EDGELENS_IOTHUB_CONNECTION_STRING; never logged).")
    String connectionString;

    @Option(names = "--iothub-protocol", defaultValue = "${env:EDGELENS_IOTHUB_PROTOCOL:-mqtt}",
            converter = ProtocolConverter.class,
            description = "mqtt|mqtt-ws|amqp|amqp-ws (default: mqtt).")
    IotHubSettings.Protocol protocol;

    @Option(names = "--iothub-output", defaultValue = "${env:EDGELENS_IOTHUB_OUTPUT:-events}",
            description = "Module output name for events, used by IoT Edge routes (default: ${DEFAULT-VALUE}).")
    String outputName;

    @Option(names = "--iothub-max-message-bytes", defaultValue = "${env:EDGELENS_IOTHUB_MAX_MESSAGE_BYTES:-4096}",
            description = "Largest message sent, 512..262144; IoT Hub meters 4 KB units (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(names = "--iothub-ca-file", defaultValue = "${env:EDGELENS_IOTHUB_CA_FILE:-}",
            description = "PEM CA certificate(s) to trust instead of the system's, device mode (default: system trust).")
    String caFile;

    @Option(names = "--iothub-outbox-dir", defaultValue = "${env:EDGELENS_IOTHUB_OUTBOX_DIR:-outbox}",
            description = "Durable outbox directory (default: ${DEFAULT-VALUE}).")
    Path outboxDir;

    @Option(names = "--iothub-outbox-max-bytes", defaultValue = "${env:EDGELENS_IOTHUB_OUTBOX_MAX_BYTES:-67108864}",
            description = "Outbox size limit; when full the oldest heartbeats are dropped first (default: ${DEFAULT-VALUE}).")
    long outboxMaxBytes;

    @Option(names = "--iothub-outbox-fsync", defaultValue = "${env:EDGELENS_IOTHUB_OUTBOX_FSYNC:-always}",
            converter = FsyncConverter.class,
            description = "always: every event is on disk before it is accepted (survives power loss); "
                    + "none: OS page cache (survives a crash, not a power cut) (default: ${DEFAULT-VALUE}).")
    Outbox.FsyncPolicy fsync;

    @Option(names = "--iothub-report-interval", defaultValue = "${env:EDGELENS_IOTHUB_REPORT_INTERVAL:-PT60S}",
            converter = DurationConverter.class,
            description = "How often status goes to the twin's reported properties, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration reportInterval;

    /** Validated settings; IllegalArgumentException names the option and what was expected. */
    public IotHubSettings toSettings() {
        return new IotHubSettings(mode, connectionString, protocol, outputName, maxMessageBytes,
                caFile == null || caFile.isBlank() ? null : Path.of(caFile), outboxDir, outboxMaxBytes, fsync,
                reportInterval);
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, java.util.function.Function<E, String> name) {
        for (E e : type.getEnumConstants()) {
            if (name.apply(e).equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        throw new TypeConversionException("'" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(name).collect(Collectors.joining(", ")));
    }

    static final class ModeConverter implements ITypeConverter<IotHubSettings.Mode> {
        @Override
        public IotHubSettings.Mode convert(String value) {
            return parseEnum(IotHubSettings.Mode.class, value, m -> m.name().toLowerCase(Locale.ROOT));
        }
    }

    static final class ProtocolConverter implements ITypeConverter<IotHubSettings.Protocol> {
        @Override
        public IotHubSettings.Protocol convert(String value) {
            return parseEnum(IotHubSettings.Protocol.class, value, IotHubSettings.Protocol::optionName);
        }
    }

    static final class FsyncConverter implements ITypeConverter<Outbox.FsyncPolicy> {
        @Override
        public Outbox.FsyncPolicy convert(String value) {
            return parseEnum(Outbox.FsyncPolicy.class, value, m -> m.name().toLowerCase(Locale.ROOT));
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.parse(value.trim());
            } catch (RuntimeException e) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 duration such as PT60S");
            }
        }
    }
}
