package dev.psk.tunnel.hub;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Receiver indexes: random 32-bit numbers naming keypairs (and pending handshakes) on the wire, so
 * a transport message finds its keys with one lookup and reveals nothing about the peer. Bounded.
 *
 * <p>The per-datagram {@link #get} is lock-free and allocates nothing: an open-addressing table of
 * twice the bound (linear probing; the indexes are random, so no hashing is needed), whose writers
 * (handshakes, expiry, revocation) hold the table's lock and rebuild it when tombstones pile up.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class SessionTable {
    private final ConcurrentHashMap<Integer, Boolean> reserved = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final int max;
    private final int capacity;
    private volatile AtomicReferenceArray<Object> slots;
    private int live;
    private int tombstones;
    private volatile int size;

    SessionTable(int max) {
        this.max = max;
        this.capacity = Integer.highestOneBit(Math.max(4, max) * 4 - 1);
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    private static final Object GONE = new Object();

    /** A fresh unused index, reserved until {@link #put} or {@link #release}; 0 when the table is full. */
    int reserve() {
        if (size + reserved.size() >= max) {
            return 0;
        }
        while (true) {
            int i = random.nextInt();
            if (i != 0 && get(i) == null && reserved.putIfAbsent(i, Boolean.TRUE) == null) {
                return i;
            }
        }
    }

    synchronized void put(Session s) {
        if (tombstones > capacity / 4) {
            rebuild();
        }
        AtomicReferenceArray<Object> a = slots;
        int mask = capacity - 1;
        for (int i = s.localIndex & mask; ; i = (i + 1) & mask) {
            Object o = a.get(i);
            if (o == null || o == GONE) {
                if (o == GONE) {
                    tombstones--;
                }
                a.set(i, s);
                live++;
                size = live;
                reserved.remove(s.localIndex);
                return;
            }
        }
    }

    void release(int index) {
        reserved.remove(index);
    }

    /** The keypair with local index {@code index}, or null. Lock-free, no allocation. */
    Session get(int index) {
        AtomicReferenceArray<Object> a = slots;
        int mask = capacity - 1;
        for (int i = index & mask, n = 0; n < capacity; i = (i + 1) & mask, n++) {
            Object o = a.get(i);
            if (o == null) {
                return null;
            }
            if (o != GONE && ((Session) o).localIndex == index) {
                return (Session) o;
            }
        }
        return null;
    }

    synchronized void remove(Session s) {
        AtomicReferenceArray<Object> a = slots;
        int mask = capacity - 1;
        for (int i = s.localIndex & mask, n = 0; n < capacity; i = (i + 1) & mask, n++) {
            Object o = a.get(i);
            if (o == null) {
                return;
            }
            if (o == s) {
                a.set(i, GONE);
                live--;
                tombstones++;
                size = live;
                return;
            }
        }
    }

    private void rebuild() {
        AtomicReferenceArray<Object> old = slots;
        AtomicReferenceArray<Object> fresh = new AtomicReferenceArray<>(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < capacity; j++) {
            Object o = old.get(j);
            if (o != null && o != GONE) {
                int i = ((Session) o).localIndex & mask;
                while (fresh.get(i) != null) {
                    i = (i + 1) & mask;
                }
                fresh.set(i, o);
            }
        }
        slots = fresh;
        tombstones = 0;
    }

    /** A snapshot of every live keypair. */
    Collection<Session> all() {
        AtomicReferenceArray<Object> a = slots;
        List<Session> out = new ArrayList<>();
        for (int j = 0; j < capacity; j++) {
            Object o = a.get(j);
            if (o != null && o != GONE) {
                out.add((Session) o);
            }
        }
        return out;
    }

    int size() {
        return size;
    }
}
