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
    private volatile String name;
    private byte[] lastTimestamp;

    ClientState(String name, byte[] publicKey, NoisePeerSession session) {
        this.publicKey = publicKey.clone();
        this.fingerprint = AllowedClient.fingerprint(publicKey);
        this.session = session;
        this.peer = new Peer(name, session, null, true);
        session.attach(peer);
        rename(name);
    }

    /** The enrolled name, which a reload may change (the key, and so this state, stays). */
    void rename(String newName) {
        this.name = newName;
        session.describe(newName, fingerprint);
    }

    /** How logs name the client: "alice (3f2a...)", the enrolled name with the key's fingerprint beside it. */
    String label() {
        return name + " (" + fingerprint + ")";
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
