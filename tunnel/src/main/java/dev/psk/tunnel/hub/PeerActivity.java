package dev.psk.tunnel.hub;

import java.time.Instant;

/**
 * What {@code psk-tunnel show} and the metrics say about one hub peer: the client's enrolled name
 * and key fingerprint, its latest completed handshake and the last authentic packet from it. A
 * hub peer's {@link dev.psk.tunnel.device.PeerSession} implements it.
 */
public interface PeerActivity {
    /** The enrolled name ("alice"), or "hub" on a client. */
    String peerName();

    /** First 8 bytes of SHA-256 of the peer's public key, hex. */
    String fingerprint();

    /** When the latest handshake completed, or null if none has. */
    Instant latestHandshake();

    /** When the last authentic transport message (data or keepalive) arrived, or null. */
    Instant lastPacket();

    /** The peer's AllowedIPs as CIDR text (a hub's client); empty where the peer has none configured. */
    default java.util.List<String> allowedIps() {
        return java.util.List.of();
    }
}
