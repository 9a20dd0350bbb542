package dev.edgelens.edge.iothub;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection options every module shares, the client they create, and secret handling. */
class HubSettingsTest {

    static final String KEY = "dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMTIzNDU2Nzg=";

    @CommandLine.Command(name = "module")
    static final class Cmd implements Runnable {
        @Mixin
        HubOptions hub = new HubOptions();

        @Override
        public void run() {
        }
    }

    private static HubSettings parse(String... args) {
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs(args);
        return c.hub.toSettings();
    }

    @Test
    void autoModeFollowsTheEnvironmentAndReportIntervalAcceptsBothDurationForms() throws Exception {
        HubSettings s = parse();
        assertEquals(HubSettings.Mode.OFF, s.effectiveMode(Map.of()));
        assertEquals(HubSettings.Mode.EDGE, s.effectiveMode(Map.of("IOTEDGE_WORKLOADURI", "unix:///x")));
        assertEquals(Duration.ofSeconds(60), s.reportInterval());
        assertEquals(Duration.ofSeconds(5), parse("--iothub-report-interval=5s").reportInterval());
        assertEquals(Duration.ofSeconds(5), parse("--iothub-report-interval=PT5S").reportInterval());
        HubSettings dev = parse("--iothub-connection-string=HostName=h.example;DeviceId=d;SharedAccessKey=" + KEY);
        assertEquals(HubSettings.Mode.DEVICE, dev.effectiveMode(Map.of()));
        assertEquals(HubSettings.Mode.EDGE, dev.effectiveMode(Map.of("EdgeHubConnectionString", "HostName=a.b")));
        assertNull(HubClients.create(HubSettings.off(), Map.of("IOTEDGE_WORKLOADURI", "unix:///x")));
    }

    @Test
    void aModuleIdentityConnectionStringGivesAModuleClientOtherwiseADeviceClient() throws Exception {
        InternalClient module = HubClients.device(
                parse("--iothub-connection-string=HostName=h.example;DeviceId=d;ModuleId=capture;SharedAccessKey=" + KEY));
        InternalClient device = HubClients.device(
                parse("--iothub-connection-string=HostName=h.example;DeviceId=d;SharedAccessKey=" + KEY));
        try {
            assertInstanceOf(ModuleClient.class, module);
            assertInstanceOf(DeviceClient.class, device);
        } finally {
            module.close();
            device.close();
        }
    }

    @Test
    void badValuesNameTheOptionAndNeverShowTheKey() {
        StringWriter err = new StringWriter();
        assertEquals(2, new CommandLine(new Cmd()).setErr(new PrintWriter(err)).execute("--iothub-mode=cloud"));
        assertTrue(err.toString().contains("'cloud' is not one of auto, edge, device, off"), err.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--iothub-connection-string=DeviceId=d;SharedAccessKey=" + KEY));
        assertTrue(e.getMessage().startsWith("iothub-connection-string: expected HostName="), e.getMessage());
        assertFalse(e.getMessage().contains(KEY));
        e = assertThrows(IllegalArgumentException.class, () -> parse("--iothub-mode=device"));
        assertTrue(e.getMessage().contains("--iothub-connection-string"), e.getMessage());
        HubSettings s = parse("--iothub-connection-string=HostName=h.example;DeviceId=d;SharedAccessKey=" + KEY);
        assertFalse(s.toString().contains(KEY), s.toString());
        String help = new CommandLine(new Cmd()).getUsageMessage();
        assertTrue(help.contains("--iothub-connection-string") && !help.contains(KEY));
    }

    @Test
    void secretsAreRedactedFromConnectionStringsAndSasTokens() {
        assertEquals("HostName=h.net;DeviceId=d;SharedAccessKey=***",
                Secrets.redact("HostName=h.net;DeviceId=d;SharedAccessKey=abc+/="));
        String token = "SharedAccessSignature sr=h.net%2Fdevices%2Fd&sig=AbC%2B%3D&se=1700000000";
        String red = Secrets.redact("password " + token);
        assertFalse(red.contains("AbC"), red);
        assertTrue(red.contains("***"));
        assertEquals("IllegalStateException: bad SharedAccessKey=*** <- RuntimeException: sig=***",
                Secrets.describe(new IllegalStateException("bad SharedAccessKey=k1",
                        new RuntimeException("sig=zzz"))));
    }
}
