package dev.psk.tunnel.hub;

import dev.psk.tunnel.device.Peer;

/**
 * What the hub keeps about one client key across handshakes and reloads: its {@link Peer} on the
 * shared device (with the client's {@link NoisePeerSession}: next, current and previous keypairs)
 * and the newest message 1 timestamp it accepted, so a replayed message 1 is refused, even after
 * the client was removed and re-added.
 *
 * <p>Thread-safety: {@link #acceptTimestamp} is synchronized; the peer and session are safe for
 * concurrent use.
 */
final class ClientState {
    final byte[] publicKey;
    final String fingerprint;
    final NoisePeerSession session;
    final Peer peer;
    private byte[] lastTimestamp;

    ClientState(byte[] publicKey, NoisePeerSession session) {
        this.publicKey = publicKey.clone();
        this.fingerprint = AllowedClient.fingerprint(publicKey);
        this.session = session;
        this.peer = new Peer(fingerprint, session, null, true);
        session.attach(peer);
    }

    /** Accepts {@code ts} when it is newer than every accepted one. */
    synchronized boolean acceptTimestamp(byte[] ts) {
        if (!Tai64n.after(ts, lastTimestamp)) {
            return false;
        }
        lastTimestamp = ts.clone();
        return true;
    }
}
