package dev.psk.tunnel.hub;

import dev.psk.tunnel.device.Peer;

/**
 * What the hub keeps about one client key across handshakes and reloads: its {@link Peer} on the
 * shared device (with the client's {@link NoisePeerSession}: next, current and previous keypairs)
 * and its name. The newest accepted message 1 timestamp lives in the hub's {@link TimestampStore},
 * which outlives this state: a removed client's state is freed, and its old message 1s are still
 * refused if it is added again.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class ClientState {
    final byte[] publicKey;
    final String fingerprint;
    final NoisePeerSession session;
    final Peer peer;
    private final TimestampStore timestamps;
    private volatile String name;
    private java.net.InetSocketAddress savedEndpoint;

    ClientState(String name, byte[] publicKey, NoisePeerSession session, TimestampStore timestamps) {
        this.timestamps = timestamps;
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

    /**
     * Hub timer thread: records the client's endpoint in the state file when it moved, so a
     * restarted hub knows where to send its restart hint. Cheap when nothing moved (one compare).
     */
    void saveEndpoint() {
        java.net.InetSocketAddress ep = peer.endpoint();
        if (ep != null && ep != savedEndpoint) {
            savedEndpoint = ep;
            timestamps.recordEndpoint(publicKey, ep);
        }
    }

    /** Accepts {@code ts} when it is newer than every accepted one (kept in the hub's {@link TimestampStore}). */
    boolean acceptTimestamp(byte[] ts) {
        return timestamps.accept(publicKey, ts);
    }
}
