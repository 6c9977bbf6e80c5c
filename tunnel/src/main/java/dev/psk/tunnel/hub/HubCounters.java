package dev.psk.tunnel.hub;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.TrafficCounters;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Counters of one hub or client. The handshake side (message 1 outcomes, control datagrams) is
 * counted here; the data plane is counted by the shared device ({@link TrafficCounters} of the
 * device and of each peer) and read through {@link #attach}: {@link #drops} folds the device's
 * {@link DropReason}s into the hub's names ({@link HubDropReason#dataPath()}), and the byte and
 * packet totals are the peers' sums. Lock-free and allocation-free to bump; read by metrics and tests.
 */
public final class HubCounters {
    private final AtomicLongArray drops = new AtomicLongArray(HubDropReason.values().length);
    public final AtomicLong handshakesCompleted = new AtomicLong();
    public final AtomicLong sessionsEnded = new AtomicLong();
    /** Message 1s sent (client) and cookie replies accepted (client). */
    public final AtomicLong initiationsSent = new AtomicLong();

    public final AtomicLong cookiesReceived = new AtomicLong();
    /** Restart hints sent (hub, after a restart) and acted on (client: one handshake each). */
    public final AtomicLong restartHintsSent = new AtomicLong();

    public final AtomicLong restartHintsAccepted = new AtomicLong();
    /** Packets between two clients (forwarded by the hub's kernel and carried on). */
    public final AtomicLong forwarded = new AtomicLong();

    private volatile Supplier<List<TrafficCounters>> dataPlane = List::of;
    private volatile TrafficCounters device;

    /**
     * Where the data plane's counters are: the device's own (drops not attributable to a peer) and
     * the device's followed by every peer's.
     */
    void attach(TrafficCounters deviceCounters, Supplier<List<TrafficCounters>> deviceAndPeers) {
        this.device = deviceCounters;
        this.dataPlane = deviceAndPeers;
    }

    public void drop(HubDropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    /** Drops under {@code reason}: the handshake side's plus the data plane's. */
    public long drops(HubDropReason reason) {
        long n = drops.get(reason.ordinal());
        DropReason[] mapped = reason.dataPath();
        if (mapped.length > 0) {
            for (TrafficCounters c : dataPlane.get()) {
                for (DropReason d : mapped) {
                    n += c.drops(d);
                }
            }
        }
        return n;
    }

    /** Drops under {@code reason} counted here only (control datagrams and handshakes), not by the device. */
    public long controlDrops(HubDropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** The data plane's drops under the device's own reason (e.g. {@link DropReason#KEEPALIVE}). */
    public long dataDrops(DropReason reason) {
        long n = 0;
        for (TrafficCounters c : dataPlane.get()) {
            n += c.drops(reason);
        }
        return n;
    }

    /** Inner bytes delivered to TUN (in) and sealed for the network (out); packets likewise. */
    public long bytesIn() {
        long n = 0;
        for (TrafficCounters c : dataPlane.get()) {
            n += c.rxBytes();
        }
        return n;
    }

    public long bytesOut() {
        long n = 0;
        for (TrafficCounters c : dataPlane.get()) {
            n += c.txBytes();
        }
        return n;
    }

    public long packetsIn() {
        long n = 0;
        for (TrafficCounters c : dataPlane.get()) {
            n += c.rxPackets();
        }
        return n;
    }

    public long packetsOut() {
        long n = 0;
        for (TrafficCounters c : dataPlane.get()) {
            n += c.txPackets();
        }
        return n;
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
