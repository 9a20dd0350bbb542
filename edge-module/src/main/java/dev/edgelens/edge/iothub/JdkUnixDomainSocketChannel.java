package dev.edgelens.edge.iothub;

import com.microsoft.azure.sdk.iot.device.hsm.UnixDomainSocketChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The SDK asks the application for its unix-socket transport (it talks HTTP to the IoT Edge
 * workload API over it, to sign SAS tokens and fetch the trust bundle); Java 16+ has unix domain
 * sockets built in, so no native library is needed.
 */
public final class JdkUnixDomainSocketChannel implements UnixDomainSocketChannel {

    private SocketChannel channel;

    @Override
    public void open(String address) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(address));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to the IoT Edge workload socket " + address + ": " + e.getMessage(), e);
        }
        channel = ch;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public int read(byte[] bytes) throws IOException {
        return channel.read(ByteBuffer.wrap(bytes));
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
