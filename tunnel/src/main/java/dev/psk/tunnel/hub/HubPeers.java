package dev.psk.tunnel.hub;

import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.device.PeerDirectory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The hub's {@link PeerDirectory} on the shared device: transport messages (type 4) are data, the
 * rest (handshake messages) go to the control handler; a datagram belongs to the client whose
 * keypair its receiver index names; a TUN packet goes to the client whose AllowedIPs hold its
 * destination (longest prefix). A packet from one client to another has come back from the hub's
 * kernel (forwarding); it is counted, or refused when the configuration says {@code ClientToClient:
 * false}. Lookups allocate nothing.
 */
final class HubPeers implements PeerDirectory {
    private final SessionTable table;
    private final Supplier<HubPolicy> policy;
    private final Supplier<List<Peer>> all;
    private final AtomicLong forwarded;

    HubPeers(SessionTable table, Supplier<HubPolicy> policy, Supplier<List<Peer>> all, AtomicLong forwarded) {
        this.table = table;
        this.policy = policy;
        this.all = all;
        this.forwarded = forwarded;
    }

    @Override
    public boolean isData(ByteBuffer datagram, int len) {
        return len > 0 && datagram.get(0) == HubWire.TYPE_TRANSPORT;
    }

    @Override
    public Peer forDatagram(InetSocketAddress source, ByteBuffer datagram, int len) {
        return byReceiverIndex(table, source, datagram, len);
    }

    /** The peer owning the keypair named by the datagram's receiver index (and stages that keypair), or null. */
    static Peer byReceiverIndex(SessionTable table, InetSocketAddress source, ByteBuffer datagram, int len) {
        if (len < HubWire.TRANSPORT_COUNTER_OFFSET) {
            return null;
        }
        Session s = table.get(HubWire.getIntLE(datagram, HubWire.TRANSPORT_RECEIVER_OFFSET));
        NoisePeerSession owner = s == null ? null : s.owner;
        return owner == null ? null : owner.stage(s, source);
    }

    @Override
    public Peer forPacket(ByteBuffer buf, int offset, int len) {
        int ipLen = AllowedIps.ipLength(buf, offset, len);
        if (ipLen < 0) {
            return null;
        }
        HubPolicy p = policy.get();
        boolean v4 = AllowedIps.isIpv4(buf, offset);
        HubPolicy.Entry to = p.allowedIps.lookup(buf, AllowedIps.destinationOffset(buf, offset, ipLen), v4);
        if (to == null) {
            return null;
        }
        HubPolicy.Entry from = p.allowedIps.lookup(buf, AllowedIps.sourceOffset(buf, offset, ipLen), v4);
        if (from != null && from != to) {
            if (!p.config.clientToClient()) {
                return null;
            }
            forwarded.incrementAndGet();
        }
        return to.state().peer;
    }

    @Override
    public List<Peer> peers() {
        return all.get();
    }
}
