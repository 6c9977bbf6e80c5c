package dev.psk.tunnel.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * What the hub remembers about one client key across handshakes and reloads: the newest message 1
 * timestamp it accepted (so a replayed message 1 is refused, even after the client was removed and
 * re-added) and its live sessions.
 *
 * <p>Thread-safety: synchronized.
 */
final class ClientState {
    final byte[] publicKey;
    final String fingerprint;
    private byte[] lastTimestamp;
    private final List<Session> sessions = new ArrayList<>(3);
    private volatile Session current;

    ClientState(byte[] publicKey) {
        this.publicKey = publicKey.clone();
        this.fingerprint = AllowedClient.fingerprint(publicKey);
    }

    /** Accepts {@code ts} when it is newer than every accepted one. */
    synchronized boolean acceptTimestamp(byte[] ts) {
        if (!Tai64n.after(ts, lastTimestamp)) {
            return false;
        }
        lastTimestamp = ts.clone();
        return true;
    }

    /** Adds a new session; keeps at most the previous one alive beside it (in-flight packets). */
    synchronized List<Session> add(Session s) {
        List<Session> retired = new ArrayList<>();
        sessions.add(s);
        while (sessions.size() > 2) {
            retired.add(sessions.removeFirst());
        }
        return retired;
    }

    /** The session confirmed by the client's first transport message becomes the one we send on. */
    void confirm(Session s) {
        if (current != s) {
            synchronized (this) {
                if (sessions.contains(s)) {
                    current = s;
                }
            }
        }
    }

    Session current() {
        return current;
    }

    /** Removes and returns every session (revocation, PSK rotation). */
    synchronized List<Session> clear() {
        List<Session> all = new ArrayList<>(sessions);
        sessions.clear();
        current = null;
        return all;
    }

    synchronized void forget(Session s) {
        sessions.remove(s);
        if (current == s) {
            current = null;
        }
    }
}
