package dev.psk.tunnel.hub;

import dev.psk.common.SecretBytes;
import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.crypto.X25519PublicKey;
import dev.psk.tunnel.device.Peer;

/**
 * What the hub keeps about one client key across handshakes and reloads: its {@link Peer} on the
 * shared device (with the client's {@link NoisePeerSession}: next, current and previous keypairs)
 * and its name. The newest accepted message 1 timestamp lives in the hub's {@link TimestampStore},
 * which outlives this state: a removed client's state is freed, and its old message 1s are still
 * refused if it is added again. It also caches the static-static DH with the hub's key (see {@link
 * #staticStatic}), wiped when the client is removed or the hub closes.
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
    /** X25519(hub static, client static); null until the first handshake, and again once closed. */
    private SecretBytes staticStatic;

    private boolean closed;

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

    /**
     * X25519(hub static private key, this client's public key), computed on the client's first
     * handshake and kept: it depends on the two static keys only (the hub's cannot change without a
     * restart), so every later handshake skips that multiplication, as WireGuard's precomputed
     * static-static secret does. The array returned is the cache itself: read it, never keep or
     * modify it. Null once the state is closed (the caller then computes the DH itself).
     *
     * @throws LowOrderPointException when the client key has small order (refused at load anyway)
     */
    synchronized byte[] staticStatic(X25519PrivateKey hubPrivate) throws LowOrderPointException {
        if (closed) {
            return null;
        }
        if (staticStatic == null) {
            staticStatic = X25519.agree(hubPrivate, X25519PublicKey.fromBytes(publicKey));
        }
        return staticStatic.reveal();
    }

    /** Wipes the cached DH secret: the client was removed, or the hub is closing. Idempotent. */
    synchronized void close() {
        closed = true;
        if (staticStatic != null) {
            staticStatic.close();
            staticStatic = null;
        }
    }

    /** The cache itself (not a copy), or null when nothing is cached: tests check it is wiped. */
    synchronized byte[] cachedStaticStaticForTesting() {
        return staticStatic == null ? null : staticStatic.reveal();
    }
}
