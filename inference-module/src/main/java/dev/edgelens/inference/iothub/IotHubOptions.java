package dev.edgelens.inference.iothub;

import dev.edgelens.edge.iothub.HubOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The inference program's IoT Hub options: the connection options every module shares
 * ({@link HubOptions}) plus the event sink's, as a picocli mixin ({@code @Mixin IotHubOptions iothub;}). Every option has an {@code EDGELENS_IOTHUB_*} environment
 * fallback. The connection string's value is never shown by {@code --help}.
 */
public final class IotHubOptions {

    /** How to connect: the options every EdgeLens module shares. */
    @Mixin
    HubOptions hub = new HubOptions();

    @Option(names = "--iothub-output", defaultValue = "${env:EDGELENS_IOTHUB_OUTPUT:-events}",
            description = "Module output name for events, used by IoT Edge routes (default: ${DEFAULT-VALUE}).")
    String outputName;

    @Option(names = "--iothub-max-message-bytes", defaultValue = "${env:EDGELENS_IOTHUB_MAX_MESSAGE_BYTES:-4096}",
            description = "Largest message sent, 512..262144; IoT Hub meters 4 KB units (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

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

    /** Validated settings; IllegalArgumentException names the option and what was expected. */
    public IotHubSettings toSettings() {
        return new IotHubSettings(hub.toSettings(), outputName, maxMessageBytes, outboxDir, outboxMaxBytes, fsync);
    }

    static final class FsyncConverter implements ITypeConverter<Outbox.FsyncPolicy> {
        @Override
        public Outbox.FsyncPolicy convert(String value) {
            return HubOptions.parseEnum(Outbox.FsyncPolicy.class, value, m -> m.name().toLowerCase(Locale.ROOT));
        }
    }
}
