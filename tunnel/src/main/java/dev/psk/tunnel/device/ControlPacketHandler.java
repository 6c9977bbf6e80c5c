package dev.psk.tunnel.device;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Takes the datagrams that are not PSK2 data (their first four bytes are not "PSK2"), e.g. a
 * handshake's HELLO and WELCOME. Without a handler such datagrams are counted as
 * CONTROL_UNHANDLED and dropped.
 *
 * <p>Runs on the device's receive thread: it must return quickly, must not keep a reference to
 * {@code datagram} (the buffer is reused for the next datagram) and must not throw; replies go
 * through {@link Device#sendControl}.
 */
@FunctionalInterface
public interface ControlPacketHandler {
    /** @param datagram positioned at 0 with limit {@code len}; read-only for the handler */
    void onControlPacket(ByteBuffer datagram, int len, InetSocketAddress source, Device device);
}
