package dev.psk.tunnel.cli.status;

import dev.psk.tunnel.device.Peer;
import dev.psk.tunnel.hub.PeerActivity;
import java.time.Instant;
import java.util.List;

/**
 * What {@code psk-tunnel show} and the metrics say about one peer beyond its counters, in both
 * modes: the name an operator knows it by (a hub client's enrolled name, a point-to-point peer's
 * name from the pinned-peers file), the fingerprint beside it, its latest completed handshake, the
 * last authentic packet received from it and, on a hub, its AllowedIPs. Times are null when they
 * never happened; the fingerprint is null when there is none to show.
 */
public record PeerFacts(
        String name, String fingerprint, Instant latestHandshake, Instant lastReceive, List<String> allowedIps) {
    public PeerFacts {
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
    }

    /** Describes the peers of one device. */
    @FunctionalInterface
    public interface Source {
        PeerFacts of(Peer peer);
    }

    /** Hub peers describe themselves ({@link PeerActivity}); any other peer is known by its name only. */
    public static final Source DEFAULT = PeerFacts::fromSession;

    static PeerFacts fromSession(Peer p) {
        if (p.session() instanceof PeerActivity a) {
            return new PeerFacts(a.peerName(), a.fingerprint(), a.latestHandshake(), a.lastPacket(), a.allowedIps());
        }
        return new PeerFacts(p.name(), null, null, null, List.of());
    }

    /** Unix time in seconds, 0 for never (as {@code wg show dump} writes it). */
    public static long epochSeconds(Instant t) {
        return t == null ? 0 : t.getEpochSecond();
    }
}
