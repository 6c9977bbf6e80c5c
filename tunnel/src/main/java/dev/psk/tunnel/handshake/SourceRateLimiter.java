package dev.psk.tunnel.handshake;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token bucket per source IP address (port ignored: one host, one budget). Bounded table: when full,
 * the stalest entry is evicted once it has refilled, otherwise new sources are denied (fail closed).
 * The responder consults it only after a datagram's MAC verified, so sources spoofed by someone
 * without the pad never occupy the table.
 *
 * <p>Not thread-safe: owned by one engine.
 */
public final class SourceRateLimiter {
    private static final class Bucket {
        double tokens;
        Instant last;
    }

    private final double perSecond;
    private final double burst;
    private final int maxEntries;
    private final LinkedHashMap<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

    public SourceRateLimiter(int perSecond, int burst, int maxEntries) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxEntries = maxEntries;
    }

    /** Takes one token for {@code source}; false when its budget is spent. */
    public boolean allow(InetAddress source, Instant now) {
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxEntries && !evictOne(now)) {
                return false;
            }
            b = new Bucket();
            b.tokens = burst;
            b.last = now;
            buckets.put(source, b);
        }
        refill(b, now);
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    private void refill(Bucket b, Instant now) {
        double secs = Math.max(0, Duration.between(b.last, now).toNanos() / 1e9);
        b.tokens = Math.min(burst, b.tokens + secs * perSecond);
        b.last = now;
    }

    private boolean evictOne(Instant now) {
        Map.Entry<InetAddress, Bucket> eldest = buckets.entrySet().iterator().next();
        refill(eldest.getValue(), now);
        if (eldest.getValue().tokens >= burst) {
            buckets.remove(eldest.getKey());
            return true;
        }
        return false;
    }

    int size() {
        return buckets.size();
    }
}
