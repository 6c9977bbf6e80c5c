package dev.psk.tunnel.handshake;

import java.net.InetSocketAddress;

/**
 * Outcomes the tunnel runtime acts on (open the data gate, re-bind the peer endpoint, stop) and logs.
 * Called on the engine's thread; implementations must not block.
 */
public interface HandshakeEvents {
    /** A handshake completed: bind {@code peer} to {@code peerIdentityId}; data may flow. */
    default void established(InetSocketAddress peer, byte[] peerIdentityId, String peerName) {}

    /**
     * A handshake completed with its session secret (key epoch {@code epoch}); the receiver takes
     * ownership of {@code sessionSecret}. The default wipes it and calls the three-argument form.
     */
    default void established(
            InetSocketAddress peer,
            byte[] peerIdentityId,
            String peerName,
            int epoch,
            dev.psk.common.SecretBytes sessionSecret) {
        sessionSecret.close();
        established(peer, peerIdentityId, peerName);
    }

    /** The peer asks for a new handshake (authenticated REKEY). */
    default void rekeyRequested(InetSocketAddress peer) {}

    /** This end refused the peer at {@code peer}; a REJECT naming {@code reason} was sent. */
    default void refusedPeer(InetSocketAddress peer, byte[] peerIdentityId, Refusal reason) {}

    /** The peer refused this end (authenticated REJECT). */
    default void refusedByPeer(InetSocketAddress peer, Refusal reason) {}

    /** The datagram or notice from {@code peer} names a pad other than ours. */
    default void padMismatch(InetSocketAddress peer, byte[] peerFingerprint, byte[] ourFingerprint) {}

    /** The initiator gave up after its bounded retries. */
    default void failed(String reason) {}
}
