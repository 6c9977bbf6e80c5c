package dev.psk.tunnel.device;

import dev.psk.tunnel.io.udp.NativeUdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The tunnel's UDP socket: unconnected (datagrams from any port of the peer's IP are taken, as in
 * the seed), blocking (one thread per direction, each moving a batch of datagrams per system call:
 * {@link NativeUdpSocket}), with large kernel buffers so bursts are not dropped. The kernel caps the
 * buffers at net.core.rmem_max / wmem_max; what it granted is kept for the startup banner.
 */
public final class UdpSocket implements AutoCloseable {
    private final NativeUdpSocket socket;
    private final int requestedBufferBytes;
    private final int grantedReceiveBytes;
    private final int grantedSendBytes;

    private UdpSocket(NativeUdpSocket socket, int requested, int rcv, int snd) {
        this.socket = socket;
        this.requestedBufferBytes = requested;
        this.grantedReceiveBytes = rcv;
        this.grantedSendBytes = snd;
    }

    /** Binds {@code local} (e.g. 0.0.0.0:51820) and asks for {@code bufferBytes} of each buffer. */
    public static UdpSocket bind(InetSocketAddress local, int bufferBytes) throws IOException {
        NativeUdpSocket s = NativeUdpSocket.bind(local, bufferBytes);
        try {
            return new UdpSocket(s, bufferBytes, s.receiveBufferBytes(), s.sendBufferBytes());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The batched socket the packet threads use. */
    public NativeUdpSocket nativeSocket() {
        return socket;
    }

    /** Sends one datagram (control messages), from any thread. */
    public void send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        socket.send(datagram, to);
    }

    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    /** Wakes the receiving thread and closes the socket. Idempotent. */
    @Override
    public void close() {
        socket.close();
    }
    /** One line for the banner: asked vs granted (Linux reports twice the usable size). */
    public String bufferReport() {
        return "UDP buffers: asked " + requestedBufferBytes + " bytes, kernel granted receive " + grantedReceiveBytes
                + " / send " + grantedSendBytes
                + (grantedReceiveBytes < requestedBufferBytes ? " (raise net.core.rmem_max/wmem_max for more)" : "");
    }

    /**
     * One line for the banner: whether batch sends coalesce runs (UDP_SEGMENT) and receives take
     * coalesced datagrams (UDP_GRO), as of now (sends fall back for good if the kernel refuses).
     */
    public String offloadReport() {
        String send = socket.segmentationOffload()
                ? "on"
                : socket.segmentationFallbacks() > 0 ? "off (not supported or refused by the kernel)" : "off";
        return "UDP offloads: send segmentation (UDP_SEGMENT) " + send + ", receive coalescing (UDP_GRO) "
                + (socket.receiveOffload() ? "on" : "off");
    }

    public int grantedReceiveBytes() {
        return grantedReceiveBytes;
    }

    public int grantedSendBytes() {
        return grantedSendBytes;
    }
}
