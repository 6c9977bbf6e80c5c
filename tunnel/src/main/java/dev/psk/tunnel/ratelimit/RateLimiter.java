package dev.psk.tunnel.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (a source address, a client key, a log category), after WireGuard's
 * ratelimiter: each key may spend {@code perSecond} tokens a second with a burst of {@code burst}.
 *
 * <p>The table is bounded. When it is full, idle buckets (refilled completely) are swept, at most
 * once a second so that a flood of new keys cannot make every call a full scan; if the table is
 * still full, a new key is refused (fail closed). Callers that want idle keys gone sooner call
 * {@link #sweep}.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class RateLimiter<K> {
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private static final class Bucket {
        long tokensNanos;
        long lastNanos;
    }

    private final ConcurrentHashMap<K, Bucket> table = new ConcurrentHashMap<>();
    private final long costNanos;
    private final long maxNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private volatile long lastSweepNanos;

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}, or a test clock)
     * @throws IllegalArgumentException unless rate, burst and table size are positive
     */
    public RateLimiter(int perSecond, int burst, int maxEntries, LongSupplier nanoClock) {
        if (perSecond <= 0 || burst <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("rate, burst and table size must be positive");
        }
        this.costNanos = 1_000_000_000L / perSecond;
        this.maxNanos = costNanos * burst;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
        this.lastSweepNanos = nanoClock.getAsLong() - SWEEP_INTERVAL_NANOS;
    }

    /** Spends one token of {@code key}; false when it has none left or the table is full. */
    public boolean allow(K key) {
        long now = nanoClock.getAsLong();
        Bucket b = table.get(key);
        if (b == null) {
            if (table.size() >= maxEntries) {
                if (now - lastSweepNanos < SWEEP_INTERVAL_NANOS) {
                    return false;
                }
                lastSweepNanos = now;
                sweep(now);
                if (table.size() >= maxEntries) {
                    return false;
                }
            }
            Bucket fresh = new Bucket();
            fresh.tokensNanos = maxNanos;
            fresh.lastNanos = now;
            Bucket prev = table.putIfAbsent(key, fresh);
            b = prev == null ? fresh : prev;
        }
        synchronized (b) {
            b.tokensNanos = Math.min(maxNanos, b.tokensNanos + (now - b.lastNanos));
            b.lastNanos = now;
            if (b.tokensNanos >= costNanos) {
                b.tokensNanos -= costNanos;
                return true;
            }
            return false;
        }
    }

    /** Drops buckets that have refilled completely (idle keys), freeing table room. */
    public void sweep() {
        sweep(nanoClock.getAsLong());
    }

    private void sweep(long now) {
        table.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().tokensNanos + (now - e.getValue().lastNanos) >= maxNanos;
            }
        });
    }

    public int size() {
        return table.size();
    }
}
