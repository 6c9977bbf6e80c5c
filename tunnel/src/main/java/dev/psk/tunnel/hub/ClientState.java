package dev.psk.tunnel.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * What the hub remembers about one client key across handshakes and reloads: the newest message 1
 * timestamp it accepted (so a replayed message 1 is refused, even after the client was removed and
 * re-added) and its sessions, WireGuard-style: {@code next} (handshake done, not yet confirmed by a
 * transport message from the client), {@code current} (confirmed, used to send) and
 * {@code previous} (kept for packets in flight). A new handshake replaces only {@code next}: it can
 * never displace the confirmed session.
 *
 * <p>Thread-safety: synchronized; {@link #current()} is a volatile read for the send path.
 */
final class ClientState {
    final byte[] publicKey;
    final String fingerprint;
    private byte[] lastTimestamp;
    private Session next;
    private volatile Session current;
    private Session previous;

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

    /** Records a fresh, unconfirmed session. @return the sessions this retires (an older unconfirmed one) */
    synchronized List<Session> add(Session s) {
        List<Session> retired = new ArrayList<>(1);
        if (next != null) {
            retired.add(next);
        }
        next = s;
        return retired;
    }

    /**
     * The client's first transport message on {@code s} confirms it: it becomes current.
     *
     * @return a session retired by the rotation (the old previous), or null
     */
    Session confirm(Session s) {
        if (current == s) {
            return null;
        }
        synchronized (this) {
            if (s != next) {
                return null;
            }
            Session retired = previous;
            previous = current;
            current = s;
            next = null;
            return retired;
        }
    }

    Session current() {
        return current;
    }

    /** Removes and returns every session (revocation, PSK rotation). */
    synchronized List<Session> clear() {
        List<Session> all = new ArrayList<>(3);
        for (Session s : new Session[] {next, current, previous}) {
            if (s != null) {
                all.add(s);
            }
        }
        next = null;
        current = null;
        previous = null;
        return all;
    }

    synchronized void forget(Session s) {
        if (next == s) {
            next = null;
        }
        if (current == s) {
            current = null;
        }
        if (previous == s) {
            previous = null;
        }
    }
}
