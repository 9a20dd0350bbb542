package dev.edgelens.edge.iothub;

import dev.edgelens.edge.options.DurationConverter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The IoT Hub connection options every EdgeLens module has, as a picocli mixin
 * ({@code @Mixin HubOptions hub;}). Every option has an {@code EDGELENS_IOTHUB_*} environment
 * fallback. The connection string's value is never shown by {@code --help}.
 */
public final class HubOptions {

    @Option(names = "--iothub-mode", defaultValue = "${env:EDGELENS_IOTHUB_MODE:-auto}",
            converter = ModeConverter.class,
            description = "auto|edge|device|off. auto: IoT Edge module when its variables are present, "
                    + "else a connection string when one is set, else no IoT Hub (default: ${DEFAULT-VALUE}).")
    HubSettings.Mode mode;

    @Option(names = "--iothub-connection-string", defaultValue = "${env:EDGELENS_IOTHUB_CONNECTION_STRING:-}",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
            description = "Device or module identity connection string HostName=...;DeviceId=...[;ModuleId=...];"
                    + "SharedAccessKey=... (env EDGELENS_IOTHUB_CONNECTION_STRING; never logged).")
    String connectionString;

    @Option(names = "--iothub-protocol", defaultValue = "${env:EDGELENS_IOTHUB_PROTOCOL:-mqtt}",
            converter = ProtocolConverter.class,
            description = "mqtt|mqtt-ws|amqp|amqp-ws (default: mqtt).")
    HubSettings.Protocol protocol;

    @Option(names = "--iothub-ca-file", defaultValue = "${env:EDGELENS_IOTHUB_CA_FILE:-}",
            description = "PEM CA certificate(s) to trust instead of the system's, device mode (default: system trust).")
    String caFile;

    @Option(names = "--iothub-report-interval", defaultValue = "${env:EDGELENS_IOTHUB_REPORT_INTERVAL:-PT60S}",
            converter = DurationConverter.class,
            description = "How often status goes to the twin's reported properties, e.g. 60s or PT60S (default: ${DEFAULT-VALUE}).")
    Duration reportInterval;

    /** Validated settings; IllegalArgumentException names the option and what was expected. */
    public HubSettings toSettings() {
        return new HubSettings(mode, connectionString, protocol,
                caFile == null || caFile.isBlank() ? null : Path.of(caFile), reportInterval);
    }

    /** Parses an enum by its option spelling; the error lists the allowed values. */
    public static <E extends Enum<E>> E parseEnum(Class<E> type, String value, Function<E, String> name) {
        for (E e : type.getEnumConstants()) {
            if (name.apply(e).equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        throw new TypeConversionException("'" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(name).collect(Collectors.joining(", ")));
    }

    static final class ModeConverter implements ITypeConverter<HubSettings.Mode> {
        @Override
        public HubSettings.Mode convert(String value) {
            return parseEnum(HubSettings.Mode.class, value, m -> m.name().toLowerCase(Locale.ROOT));
        }
    }

    static final class ProtocolConverter implements ITypeConverter<HubSettings.Protocol> {
        @Override
        public HubSettings.Protocol convert(String value) {
            return parseEnum(HubSettings.Protocol.class, value, HubSettings.Protocol::optionName);
        }
    }
}
