package dev.psk.tunnel.handshake;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Drop, completion and refusal counters; lock-free, readable from any thread (metrics, {@code show}). */
public final class HandshakeCounters {
    private final AtomicLongArray drops = new AtomicLongArray(HandshakeDrop.values().length);
    private final AtomicLongArray refusals = new AtomicLongArray(Refusal.values().length);
    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refusedByPeer = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong padMismatches = new java.util.concurrent.atomic.AtomicLong();

    void drop(HandshakeDrop reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    void refused(Refusal reason) {
        refusals.incrementAndGet(reason.ordinal());
    }

    void onCompleted() {
        completed.incrementAndGet();
    }

    /** The peer refused one of our handshakes (an authenticated REJECT). */
    void onRefusedByPeer() {
        refusedByPeer.incrementAndGet();
    }

    void padMismatch() {
        padMismatches.incrementAndGet();
    }

    public long drops(HandshakeDrop reason) {
        return drops.get(reason.ordinal());
    }

    public long refusals(Refusal reason) {
        return refusals.get(reason.ordinal());
    }

    /** Our handshakes the peer refused (authenticated REJECTs received); {@link #refusals} counts ours. */
    public long refusedByPeer() {
        return refusedByPeer.get();
    }

    public long completed() {
        return completed.get();
    }

    /** Pad mismatches seen (HELLO, WELCOME or notice naming another pad). */
    public long padMismatches() {
        return padMismatches.get();
    }

    public long totalDrops() {
        long n = 0;
        for (int i = 0; i < drops.length(); i++) {
            n += drops.get(i);
        }
        return n;
    }

    public Map<HandshakeDrop, Long> dropSnapshot() {
        Map<HandshakeDrop, Long> m = new EnumMap<>(HandshakeDrop.class);
        for (HandshakeDrop d : HandshakeDrop.values()) {
            if (drops.get(d.ordinal()) != 0) {
                m.put(d, drops.get(d.ordinal()));
            }
        }
        return m;
    }
}
