package dev.psk.tunnel.hub;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (a source address, a client key), after WireGuard's ratelimiter: each key
 * may spend {@code perSecond} tokens a second with a burst of {@code burst}. The table is bounded:
 * when it is full, a new key is refused (fail closed) until {@link #sweep} drops idle buckets.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class RateLimiter<K> {
    private static final class Bucket {
        long tokensNanos;
        long lastNanos;
    }

    private final ConcurrentHashMap<K, Bucket> table = new ConcurrentHashMap<>();
    private final long costNanos;
    private final long maxNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;

    public RateLimiter(int perSecond, int burst, int maxEntries, LongSupplier nanoClock) {
        if (perSecond <= 0 || burst <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("rate, burst and table size must be positive");
        }
        this.costNanos = 1_000_000_000L / perSecond;
        this.maxNanos = costNanos * burst;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** Spends one token of {@code key}; false when it has none left or the table is full. */
    public boolean allow(K key) {
        long now = nanoClock.getAsLong();
        Bucket b = table.get(key);
        if (b == null) {
            if (table.size() >= maxEntries) {
                return false;
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
        long now = nanoClock.getAsLong();
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
