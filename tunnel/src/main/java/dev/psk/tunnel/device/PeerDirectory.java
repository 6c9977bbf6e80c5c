package dev.psk.tunnel.device;

import dev.psk.tunnel.wire.Psk2Packet;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Maps traffic to peers: a datagram to the peer that sent it, a TUN packet to the peer that
 * carries it (by destination, e.g. AllowedIPs in hub mode). Called on the packet threads: no
 * allocation, no blocking; implementations are safe for concurrent lookups.
 */
public interface PeerDirectory {
    /**
     * Whether a datagram is data for a peer session (true) or a control message for the control
     * handler (false). Default: PSK2 data starts with "PSK2"; a hub with another transport overrides it.
     */
    default boolean isData(ByteBuffer datagram, int len) {
        return Psk2Packet.hasMagic(datagram, len);
    }

    /** The peer a datagram of {@code len} bytes from {@code source} belongs to, or null (counted UNKNOWN_PEER). */
    Peer forDatagram(InetSocketAddress source, ByteBuffer datagram, int len);

    /** The peer for an inner packet at {@code buf[offset, offset+len)}, or null (counted NO_ROUTE). */
    Peer forPacket(ByteBuffer buf, int offset, int len);

    /** Every peer, for stats and shutdown. */
    List<Peer> peers();

    /** The seed's topology: one peer, identified by its IP address. */
    static PeerDirectory single(Peer peer) {
        List<Peer> all = List.of(peer);
        return new PeerDirectory() {
            @Override
            public Peer forDatagram(InetSocketAddress source, ByteBuffer datagram, int len) {
                return peer.acceptsSource(source) ? peer : null;
            }

            @Override
            public Peer forPacket(ByteBuffer buf, int offset, int len) {
                return peer;
            }

            @Override
            public List<Peer> peers() {
                return all;
            }
        };
    }
}
