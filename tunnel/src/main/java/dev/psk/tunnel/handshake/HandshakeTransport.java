package dev.psk.tunnel.handshake;

import java.net.InetSocketAddress;

/** Sends one handshake datagram; a UDP socket in the tunnel, an in-memory queue in tests. Never blocks long. */
@FunctionalInterface
public interface HandshakeTransport {
    void send(InetSocketAddress to, byte[] datagram);
}
