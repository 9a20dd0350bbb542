package dev.edgelens.inference.iothub;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.Message;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A separate process that sends events through the IoT Hub sink configured exactly as the inference
 * program configures it (the same options and environment), so tests can give it an IoT Edge
 * environment or kill it with SIGKILL. Prints {@code PUBLISHED <id> <camera>} once each event is in
 * the outbox, {@code DRAINED} once the outbox is empty.
 */
@Command(name = "sink-process")
public final class SinkProcessMain implements Callable<Integer> {

    @Mixin
    IotHubOptions iothub;

    @Option(names = "--events", defaultValue = "0")
    int events;

    @Option(names = "--cameras", defaultValue = "2")
    int cameras;

    @Option(names = "--prefix", defaultValue = "run")
    String prefix;

    @Option(names = "--exit-when-drained", defaultValue = "false")
    boolean exitWhenDrained;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SinkProcessMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        IotHubSink sink = IotHubSink.create(iothub.toSettings(), System.getenv());
        if (sink == null) {
            System.out.println("OFF");
            return 3;
        }
        for (int i = 0; i < events; i++) {
            String camera = "cam-" + (i % cameras);
            Event e = TestEvents.classification(camera, i, prefix + "-" + i);
            sink.publish(Message.of(e));
            System.out.println("PUBLISHED " + e.id() + " " + camera);
        }
        System.out.flush();
        while (!sink.outbox().awaitEmpty(Duration.ofSeconds(1))) {
            // keep sending until drained (or killed)
        }
        System.out.println("DRAINED");
        System.out.flush();
        if (exitWhenDrained) {
            sink.close();
            return 0;
        }
        Thread.sleep(Long.MAX_VALUE);
        return 0;
    }
}
