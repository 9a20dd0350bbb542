package dev.edgelens.inference.iothub;

import dev.edgelens.edge.iothub.HubSettings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The inference program's IoT Hub configuration, immutable and validated: how to connect (shared by
 * every EdgeLens module) plus what the event sink needs. Built by {@link IotHubOptions}.
 *
 * @param hub             connection: mode, connection string, protocol, CA, report interval
 * @param outputName      module output the events go to (IoT Edge routes pick it up by name)
 * @param maxMessageBytes largest message sent (IoT Hub meters 4 KB units; 256 KB is its limit)
 * @param outboxDir       directory of the durable outbox
 * @param outboxMaxBytes  outbox size limit
 * @param fsync           outbox fsync policy
 */
public record IotHubSettings(HubSettings hub, String outputName, int maxMessageBytes, Path outboxDir,
                             long outboxMaxBytes, Outbox.FsyncPolicy fsync) {

    /** The largest message IoT Hub accepts. */
    public static final int HUB_MESSAGE_LIMIT = 256 * 1024;

    public IotHubSettings {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(outboxDir, "outboxDir");
        Objects.requireNonNull(fsync, "fsync");
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
    }

    @Override
    public String toString() {
        return "IotHubSettings[" + hub + ", output=" + outputName + ", maxMessageBytes=" + maxMessageBytes
                + ", outbox=" + outboxDir + ", outboxMaxBytes=" + outboxMaxBytes + ", fsync=" + fsync + "]";
    }
}
