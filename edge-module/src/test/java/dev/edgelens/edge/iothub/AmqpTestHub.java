package dev.edgelens.edge.iothub;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.SslDomain;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;
import org.apache.qpid.proton.reactor.Acceptor;
import org.apache.qpid.proton.reactor.Reactor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IoT Hub's AMQP side, as far as a device sending telemetry sees it, on 127.0.0.1:5671 (the SDK's fixed AMQPS
 * port) with TLS from {@link TestPki}: SASL ANONYMOUS, claims-based security (a {@code put-token} on the
 * {@code $cbs} node, answered with status 200 and the request's message id as correlation id, after checking the
 * token's resource), and every link the client attaches accepted; messages on a telemetry link
 * ({@code /devices/D/messages/events} or {@code /devices/D/modules/M/messages/events}) are recorded and accepted,
 * which is the SDK's acknowledgement. Built on proton-j, the AMQP engine the SDK itself uses.
 */
public final class AmqpTestHub implements AutoCloseable {

    public static final int PORT = 5671;

    /** A telemetry message as the hub received it. */
    public record Received(String address, String messageId, String contentType, String contentEncoding,
                           Map<String, String> properties, Map<String, Object> annotations, String body) {
    }

    private final List<Received> received = new ArrayList<>();
    private final List<String> tokenAudiences = new ArrayList<>();
    private final AtomicInteger cbsReplies = new AtomicInteger();
    private final Reactor reactor;
    private final Acceptor acceptor;
    private final Thread thread;
    private final PortLock portLock;
    private volatile boolean running = true;

    private AmqpTestHub(PortLock lock) throws IOException {
        this.portLock = lock;
        PortLock.awaitFree(PORT);
        reactor = Proton.reactor();
        acceptor = reactor.acceptor("127.0.0.1", PORT, new Hub());
        thread = new Thread(this::run, "amqp-test-hub");
        thread.setDaemon(true);
    }

    /** Starts the hub; it holds the machine-wide IoT Hub test-port lock while it runs. */
    public static AmqpTestHub start() throws IOException {
        PortLock lock = PortLock.acquire();
        try {
            AmqpTestHub hub = new AmqpTestHub(lock);
            hub.thread.start();
            return hub;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private void run() {
        reactor.setTimeout(100);
        reactor.start();
        while (running && reactor.process()) {
            // process() handles I/O and timers for up to the timeout
        }
        reactor.stop();
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until {@code count} messages arrived; returns them, or fails after {@code timeout}. */
    public synchronized List<Received> awaitReceived(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + received.size() + " of " + count + " AMQP messages within "
                        + timeout + "; token audiences " + tokenAudiences);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(received);
    }

    /** The resources ({@code sr}) of the SAS tokens the client put to {@code $cbs}. */
    public synchronized List<String> tokenAudiences() {
        return List.copyOf(tokenAudiences);
    }

    private synchronized void record(Received r) {
        received.add(r);
        notifyAll();
    }

    @Override
    public void close() {
        running = false;
        acceptor.close();
        reactor.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        portLock.close();
    }

    /** The hub's side of every connection. */
    private final class Hub extends BaseHandler {
        private Sender cbsReplyLink;

        @Override
        public void onConnectionBound(Event e) {
            Transport t = e.getTransport();
            SslDomain ssl = Proton.sslDomain();
            ssl.init(SslDomain.Mode.SERVER);
            ssl.setSslContext(TestPki.get().serverContext());
            ssl.setPeerAuthentication(SslDomain.VerifyMode.ANONYMOUS_PEER);
            t.ssl(ssl);
            Sasl sasl = t.sasl();
            sasl.server();
            sasl.setMechanisms("ANONYMOUS");
            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
        }

        @Override
        public void onConnectionRemoteOpen(Event e) {
            e.getConnection().setContainer("edgelens-amqp-test-hub");
            e.getConnection().open();
        }

        @Override
        public void onConnectionRemoteClose(Event e) {
            e.getConnection().close();
        }

        @Override
        public void onSessionRemoteOpen(Event e) {
            e.getSession().open();
        }

        @Override
        public void onSessionRemoteClose(Event e) {
            e.getSession().close();
        }

        @Override
        public void onLinkRemoteOpen(Event e) {
            Link link = e.getLink();
            link.setSource(link.getRemoteSource() == null ? new Source() : link.getRemoteSource());
            link.setTarget(link.getRemoteTarget() == null ? new Target() : link.getRemoteTarget());
            link.open();
            if (link instanceof Receiver r) {
                r.flow(1000);
            } else if ("$cbs".equals(address(link.getRemoteSource()))) {
                cbsReplyLink = (Sender) link;
            }
        }

        @Override
        public void onLinkRemoteClose(Event e) {
            e.getLink().close();
        }

        @Override
        public void onDelivery(Event e) {
            Delivery d = e.getDelivery();
            if (!(d.getLink() instanceof Receiver r)) {
                if (d.remotelySettled()) {
                    d.settle();
                }
                return;
            }
            if (!d.isReadable() || d.isPartial()) {
                return;
            }
            byte[] buf = new byte[d.pending()];
            int n = r.recv(buf, 0, buf.length);
            r.advance();
            Message m = Proton.message();
            m.decode(buf, 0, n);
            String target = address(r.getRemoteTarget());
            if ("$cbs".equals(target)) {
                answerPutToken(m);
            } else if (target != null && target.endsWith("/messages/events")) {
                record(toReceived(target, m));
            }
            d.disposition(Accepted.getInstance());
            d.settle();
            r.flow(1);
        }

        private void answerPutToken(Message request) {
            Map<?, ?> props = request.getApplicationProperties() == null ? Map.of()
                    : request.getApplicationProperties().getValue();
            String token = String.valueOf(request.getBody() instanceof org.apache.qpid.proton.amqp.messaging.AmqpValue v
                    ? v.getValue() : "");
            String sr = "";
            for (String part : token.replace("SharedAccessSignature ", "").split("&")) {
                if (part.startsWith("sr=")) {
                    sr = java.net.URLDecoder.decode(part.substring(3), StandardCharsets.UTF_8);
                }
            }
            synchronized (AmqpTestHub.this) {
                tokenAudiences.add(sr);
            }
            boolean ok = "put-token".equals(props.get("operation")) && sr.startsWith("127.0.0.1/devices/");
            Message reply = Proton.message();
            reply.setCorrelationId(request.getMessageId());
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("status-code", ok ? 200 : 401);
            status.put("status-description", ok ? "OK" : "token refused");
            reply.setApplicationProperties(new ApplicationProperties(status));
            if (cbsReplyLink != null) {
                byte[] out = new byte[4096];
                int len = reply.encode(out, 0, out.length);
                Delivery dl = cbsReplyLink.delivery(("cbs-" + cbsReplies.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
                cbsReplyLink.send(out, 0, len);
                cbsReplyLink.advance();
                dl.settle();
            }
        }

        private Received toReceived(String address, Message m) {
            Map<String, String> properties = new LinkedHashMap<>();
            if (m.getApplicationProperties() != null) {
                m.getApplicationProperties().getValue().forEach((k, v) -> properties.put(k, String.valueOf(v)));
            }
            Map<String, Object> annotations = new LinkedHashMap<>();
            if (m.getMessageAnnotations() != null) {
                m.getMessageAnnotations().getValue().forEach((k, v) -> annotations.put(k.toString(), v));
            }
            String body = m.getBody() instanceof Data data
                    ? new String(data.getValue().getArray(), data.getValue().getArrayOffset(), data.getValue().getLength(),
                    StandardCharsets.UTF_8)
                    : String.valueOf(m.getBody());
            return new Received(address, String.valueOf(m.getMessageId()), m.getContentType(), m.getContentEncoding(),
                    properties, annotations, body);
        }
    }

    private static String address(org.apache.qpid.proton.amqp.transport.Source s) {
        return s instanceof Source src ? src.getAddress() : null;
    }

    private static String address(org.apache.qpid.proton.amqp.transport.Target t) {
        return t instanceof Target tgt ? tgt.getAddress() : null;
    }
}
