package dev.psk.tunnel.cli;

import dev.psk.common.Hex;
import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.cli.status.PeerFacts;
import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.handshake.HandshakeService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@link PeerFacts} of the point-to-point peer: its name from the pinned-peers file and its
 * identity_id (the key the pins are looked up by) once a handshake bound one, else the remote host
 * it was started with; the latest handshake; and the last authentic packet received.
 *
 * <p>The receive path keeps no clock (a clock read per packet costs the data plane); instead
 * {@link #sample} runs on the daemon's one-second tick and notes when the peer's count of authentic
 * packets (delivered plus keepalives) last moved. "Last packet received" is therefore exact to the
 * second, which is what {@code show} prints.
 */
final class PointToPointFacts implements PeerFacts.Source {
    private final HandshakeService handshake;
    private final Clock clock;
    private long seen;
    private volatile Instant lastReceive;

    /** @param handshake null with {@code --handshake off} */
    PointToPointFacts(HandshakeService handshake, Clock clock) {
        this.handshake = handshake;
        this.clock = clock;
    }

    /** Notes the time if {@code peer} received anything since the last call (one thread: the tick). */
    void sample(Peer peer) {
        long n = peer.counters().rxPackets() + peer.counters().drops(DropReason.KEEPALIVE);
        if (n != seen) {
            seen = n;
            lastReceive = clock.instant();
        }
    }

    @Override
    public PeerFacts of(Peer peer) {
        if (handshake == null) {
            return new PeerFacts(peer.name(), null, null, lastReceive, List.of());
        }
        byte[] id = handshake.boundIdentity();
        if (id != null && java.util.Arrays.equals(id, new byte[id.length])) {
            id = null; // psk mode without an identity: the all-zero id names nobody
        }
        String name = handshake.boundName();
        return new PeerFacts(
                name != null ? name : peer.name(),
                id == null ? null : Hex.encode(id),
                handshake.lastEstablished(),
                lastReceive,
                List.of());
    }
}
