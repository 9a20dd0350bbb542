package dev.edgelens.inference.iothub;

import dev.edgelens.edge.iothub.HubClients;
import dev.edgelens.edge.iothub.HubSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IotHubOptionsTest {

    @Command(name = "inference", mixinStandardHelpOptions = true)
    static final class Cmd implements Runnable {
        @Mixin
        IotHubOptions iothub;

        @Override
        public void run() {
        }
    }

    private static Cmd parse(String... args) {
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void defaultsAreMqttToOutputEventsWith4KbMessagesAndAFsyncedOutbox() {
        IotHubSettings s = parse().iothub.toSettings();
        assertEquals(HubSettings.Protocol.MQTT, s.hub().protocol());
        assertEquals("events", s.outputName());
        assertEquals(4096, s.maxMessageBytes());
        assertEquals(Outbox.FsyncPolicy.ALWAYS, s.fsync());
        assertEquals(Path.of("outbox"), s.outboxDir());
        assertEquals(Duration.ofSeconds(60), s.hub().reportInterval());
        // auto: nothing configured -> off; a connection string -> device; IoT Edge variables -> edge
        assertEquals(HubSettings.Mode.OFF, s.hub().effectiveMode(Map.of()));
        assertEquals(HubSettings.Mode.EDGE, s.hub().effectiveMode(Map.of("IOTEDGE_WORKLOADURI", "unix:///x")));
        IotHubSettings dev = parse("--iothub-connection-string", IotHubSinkTest.CONNECTION_STRING).iothub.toSettings();
        assertEquals(HubSettings.Mode.DEVICE, dev.hub().effectiveMode(Map.of()));
        assertEquals(HubSettings.Mode.EDGE, dev.hub().effectiveMode(Map.of("EdgeHubConnectionString", "HostName=a.b")));
    }

    @Test
    void protocolsAreSelectable() {
        assertEquals(HubSettings.Protocol.MQTT_WS, parse("--iothub-protocol=mqtt-ws").iothub.toSettings().hub().protocol());
        assertEquals(HubSettings.Protocol.AMQP, parse("--iothub-protocol", "AMQP").iothub.toSettings().hub().protocol());
        assertEquals(HubSettings.Protocol.AMQP_WS, parse("--iothub-protocol", "amqp-ws").iothub.toSettings().hub().protocol());
    }

    @Test
    void invalidValuesExitWith2NamingTheOptionAndTheAllowedValues() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Cmd()).setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--iothub-protocol", "http"));
        assertTrue(err.toString().contains("--iothub-protocol"), err.toString());
        assertTrue(err.toString().contains("mqtt, mqtt-ws, amqp, amqp-ws"), err.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--iothub-max-message-bytes", "300000").iothub.toSettings());
        assertTrue(e.getMessage().startsWith("iothub-max-message-bytes: 300000 is out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--iothub-mode", "device").iothub.toSettings());
        assertTrue(e.getMessage().contains("--iothub-connection-string"), e.getMessage());
    }

    @Test
    void theConnectionStringNeverShowsInHelpSettingsOrErrors() throws Exception {
        String key = IotHubSinkTest.KEY;
        Cmd c = parse("--iothub-connection-string", IotHubSinkTest.CONNECTION_STRING);
        String help = new CommandLine(c).getUsageMessage();
        assertTrue(help.contains("--iothub-connection-string"));
        assertFalse(help.contains(key));
        assertFalse(c.iothub.toSettings().toString().contains(key));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--iothub-connection-string", "DeviceId=x;SharedAccessKey=" + key).iothub.toSettings());
        assertFalse(e.getMessage().contains(key));
        // the SDK's own complaint about a malformed string is redacted too
        IotHubSettings bad = parse("--iothub-connection-string", "HostName=nodot;DeviceId=d;SharedAccessKey=" + key)
                .iothub.toSettings();
        IllegalArgumentException sdk = assertThrows(IllegalArgumentException.class, () -> HubClients.device(bad.hub()));
        assertFalse(sdk.getMessage().contains(key), sdk.getMessage());
        assertNull(HubClients.create(parse().iothub.toSettings().hub(), Map.of()), "IoT Hub off: no client");
    }
}
