package dev.psk.tunnel.device;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * The tunnel's UDP socket: unconnected (datagrams from any port of the peer's IP are taken, as in
 * the seed), blocking (one thread per direction), with large kernel buffers so bursts are not
 * dropped. The kernel caps the buffers at net.core.rmem_max / wmem_max; what it granted is kept
 * for the startup banner.
 */
public final class UdpSocket {
    private final DatagramChannel channel;
    private final int requestedBufferBytes;
    private final int grantedReceiveBytes;
    private final int grantedSendBytes;

    private UdpSocket(DatagramChannel channel, int requested, int rcv, int snd) {
        this.channel = channel;
        this.requestedBufferBytes = requested;
        this.grantedReceiveBytes = rcv;
        this.grantedSendBytes = snd;
    }

    /** Binds {@code local} (e.g. 0.0.0.0:51820) and asks for {@code bufferBytes} of each buffer. */
    public static UdpSocket bind(InetSocketAddress local, int bufferBytes) throws IOException {
        DatagramChannel ch = DatagramChannel.open(local.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, bufferBytes);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, bufferBytes);
            ch.bind(local);
            return new UdpSocket(ch, bufferBytes, ch.getOption(StandardSocketOptions.SO_RCVBUF),
                    ch.getOption(StandardSocketOptions.SO_SNDBUF));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public DatagramChannel channel() {
        return channel;
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** One line for the banner: asked vs granted (Linux reports twice the usable size). */
    public String bufferReport() {
        return "UDP buffers: asked " + requestedBufferBytes + " bytes, kernel granted receive " + grantedReceiveBytes
                + " / send " + grantedSendBytes + (grantedReceiveBytes < requestedBufferBytes
                        ? " (raise net.core.rmem_max/wmem_max for more)" : "");
    }

    public int grantedReceiveBytes() {
        return grantedReceiveBytes;
    }

    public int grantedSendBytes() {
        return grantedSendBytes;
    }
}
