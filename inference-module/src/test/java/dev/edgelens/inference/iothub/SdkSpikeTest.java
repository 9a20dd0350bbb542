package dev.edgelens.inference.iothub;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SdkSpikeTest {
    @TempDir
    Path tmp;

    @Test
    void deviceClientTelemetryReachesHub() throws Exception {
        try (TestBroker broker = TestBroker.started(tmp.resolve("broker")); TestHub hub = TestHub.connect()) {
            DeviceClient c = new DeviceClient("HostName=127.0.0.1;DeviceId=cam-edge-1;SharedAccessKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
                    IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(TestPki.get().clientContext()).build());
            c.open(true);
            Message m = new Message("{\"a\":1}");
            m.setMessageId("id-1");
            m.setContentType("application/json");
            m.setContentEncoding("utf-8");
            m.setProperty("eventType", "classification");
            c.sendEvent(m);
            List<TestHub.Telemetry> t = hub.awaitTelemetry(1, Duration.ofSeconds(10));
            System.out.println(t.get(0).topic() + " " + t.get(0).properties());
            assertEquals("{\"a\":1}", t.get(0).bodyText());
            c.subscribeToDesiredProperties((tw, ctx) -> System.out.println("DESIRED " + tw), null); System.out.println("TWIN " + c.getTwin());
            c.close();
        }
    }
}
