package dev.psk.tunnel.hub;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one hub or client: drops by reason, completed handshakes, bytes and packets each
 * way. Lock-free and allocation-free to bump; read by metrics and tests.
 */
public final class HubCounters {
    private final AtomicLongArray drops = new AtomicLongArray(HubDropReason.values().length);
    public final AtomicLong handshakesCompleted = new AtomicLong();
    public final AtomicLong sessionsEnded = new AtomicLong();
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    public final AtomicLong packetsIn = new AtomicLong();
    public final AtomicLong packetsOut = new AtomicLong();
    public final AtomicLong forwarded = new AtomicLong();

    public void drop(HubDropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public long drops(HubDropReason reason) {
        return drops.get(reason.ordinal());
    }

    public Map<HubDropReason, Long> snapshot() {
        Map<HubDropReason, Long> m = new EnumMap<>(HubDropReason.class);
        for (HubDropReason r : HubDropReason.values()) {
            m.put(r, drops(r));
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("handshakes=" + handshakesCompleted.get());
        for (HubDropReason r : HubDropReason.values()) {
            long v = drops(r);
            if (v != 0) {
                sb.append(' ').append(r.label()).append('=').append(v);
            }
        }
        return sb.toString();
    }
}
