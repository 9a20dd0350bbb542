package dev.edgelens.capture;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/** Collects every log line of the test JVM while open. */
final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** "LEVEL message" lines so far. */
    List<String> lines() {
        synchronized (appender) { // AppenderBase.doAppend appends under this lock
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .collect(Collectors.toList());
        }
    }

    String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
