package dev.psk.tunnel.handshake;

import java.net.InetSocketAddress;
import java.util.List;

/** Sends one handshake datagram; a UDP socket in the tunnel, an in-memory queue in tests. Never blocks long. */
@FunctionalInterface
public interface HandshakeTransport {
    void send(InetSocketAddress to, byte[] datagram);

    /** Sends a message that may have been split into fragments, in order. */
    default void sendAll(InetSocketAddress to, List<byte[]> datagrams) {
        for (byte[] d : datagrams) {
            send(to, d);
        }
    }
}
