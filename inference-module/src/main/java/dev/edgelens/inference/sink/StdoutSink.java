package dev.edgelens.inference.sink;

import dev.edgelens.inference.event.Event;
import dev.edgelens.inference.event.EventJson;
import dev.edgelens.inference.event.EventSink;
import dev.edgelens.inference.event.Message;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Writes every event as one JSON line to standard output (or any stream, for tests), flushing
 * after each message. Logs go to standard error, so standard output carries only events.
 */
public final class StdoutSink implements EventSink {

    private final OutputStream out;
    private final boolean closeStream;

    /** A sink on {@link System#out} (left open on close). */
    public StdoutSink() {
        this(System.out, false);
    }

    /** A sink on {@code out}; {@code closeStream} says whether {@link #close} closes it. */
    public StdoutSink(OutputStream out, boolean closeStream) {
        this.out = out;
        this.closeStream = closeStream;
    }

    @Override
    public synchronized void publish(Message message) {
        try {
            for (Event e : message.events()) {
                out.write(EventJson.toBytes(e));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            // Standard output closed (e.g. a pipe reader went away): nothing useful to retry.
            throw new java.io.UncheckedIOException("stdout sink: cannot write event", e);
        }
        if (out instanceof PrintStream ps && ps.checkError()) {
            throw new IllegalStateException("stdout sink: the output stream reported an error");
        }
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public synchronized void close() {
        try {
            out.flush();
            if (closeStream) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do
        }
    }
}
