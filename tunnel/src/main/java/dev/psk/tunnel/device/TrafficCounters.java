package dev.psk.tunnel.device;

import dev.psk.tunnel.DropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Packet and byte counters plus one drop counter per {@link DropReason}. Writers are the packet
 * threads (no allocation, no lock); readers (stats, status, metrics) see each value atomically.
 */
public final class TrafficCounters {
    private static final int TX_PACKETS = 0, TX_BYTES = 1, RX_PACKETS = 2, RX_BYTES = 3, BASE = 4;
    private final AtomicLongArray v = new AtomicLongArray(BASE + DropReason.values().length);

    public void sent(int payloadBytes) {
        v.incrementAndGet(TX_PACKETS);
        v.addAndGet(TX_BYTES, payloadBytes);
    }

    public void received(int payloadBytes) {
        v.incrementAndGet(RX_PACKETS);
        v.addAndGet(RX_BYTES, payloadBytes);
    }

    public void drop(DropReason reason) {
        v.incrementAndGet(BASE + reason.ordinal());
    }

    /** Counts {@code n} drops at once (drops a device reports in bulk). */
    public void drop(DropReason reason, long n) {
        v.addAndGet(BASE + reason.ordinal(), n);
    }

    public long txPackets() {
        return v.get(TX_PACKETS);
    }

    /** Plaintext (inner packet) bytes sent. */
    public long txBytes() {
        return v.get(TX_BYTES);
    }

    public long rxPackets() {
        return v.get(RX_PACKETS);
    }

    /** Plaintext (inner packet) bytes delivered to the TUN device. */
    public long rxBytes() {
        return v.get(RX_BYTES);
    }

    public long drops(DropReason reason) {
        return v.get(BASE + reason.ordinal());
    }

    public long totalDrops() {
        long t = 0;
        for (DropReason r : DropReason.values()) {
            t += drops(r);
        }
        return t;
    }

    /** Non-zero drop counters, in check order. */
    public Map<DropReason, Long> dropSnapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            long n = drops(r);
            if (n != 0) {
                m.put(r, n);
            }
        }
        return m;
    }
}
