package dev.psk.tunnel.hub;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receiver indexes: random 32-bit numbers naming sessions (and pending handshakes) on the wire,
 * so a transport message finds its keys with one lookup and reveals nothing about the peer. Bounded.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class SessionTable {
    private final ConcurrentHashMap<Integer, Session> byIndex = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Boolean> reserved = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final int max;

    SessionTable(int max) {
        this.max = max;
    }

    /** A fresh unused index, reserved until {@link #put} or {@link #release}; 0 when the table is full. */
    int reserve() {
        if (byIndex.size() + reserved.size() >= max) {
            return 0;
        }
        while (true) {
            int i = random.nextInt();
            if (i != 0 && !byIndex.containsKey(i) && reserved.putIfAbsent(i, Boolean.TRUE) == null) {
                return i;
            }
        }
    }

    void put(Session s) {
        byIndex.put(s.localIndex, s);
        reserved.remove(s.localIndex);
    }

    void release(int index) {
        reserved.remove(index);
    }

    Session get(int index) {
        return byIndex.get(index);
    }

    void remove(Session s) {
        byIndex.remove(s.localIndex, s);
    }

    Collection<Session> all() {
        return byIndex.values();
    }

    int size() {
        return byIndex.size();
    }
}
