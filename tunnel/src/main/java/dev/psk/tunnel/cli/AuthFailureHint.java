package dev.psk.tunnel.cli;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.device.TrafficCounters;
import java.time.Duration;

/**
 * With the handshake off, two ends with different pads (or an end whose state belongs to another
 * pad) see each other's packets fail authentication, and nothing else tells the operator. This
 * class turns the drop counters into one hint line: after {@link #MIN_FAILURES} authentication
 * failures from the peer with no authentic packet in between, at most once per {@link #EVERY}.
 *
 * <p>The packet path only counts (no allocation, no logging); the daemon's one-second tick calls
 * {@link #check} with the peer's counters and logs what it returns.
 */
final class AuthFailureHint {
    static final long MIN_FAILURES = 10;
    static final Duration EVERY = Duration.ofMinutes(1);

    private final String peer;
    private long failuresSeen;
    private long goodSeen;
    private long streak;
    private boolean hinted;
    private long lastHintNanos;

    AuthFailureHint(String peer) {
        this.peer = peer;
    }

    /** The hint line to log now, or null. */
    String check(TrafficCounters c, long nowNanos) {
        return check(
                c.drops(DropReason.AUTH_TAG) + c.drops(DropReason.AEAD),
                c.rxPackets() + c.drops(DropReason.KEEPALIVE),
                nowNanos);
    }

    /**
     * @param failures the peer's packets that failed authentication so far (header tag or AEAD)
     * @param good its authentic packets so far (delivered, or keepalives)
     */
    String check(long failures, long good, long nowNanos) {
        long fresh = failures - failuresSeen;
        failuresSeen = failures;
        if (good != goodSeen) {
            goodSeen = good;
            streak = 0; // the pads agree after all: whatever failed was something else
            return null;
        }
        streak += fresh;
        if (streak < MIN_FAILURES || (hinted && nowNanos - lastHintNanos < EVERY.toNanos())) {
            return null;
        }
        long n = streak;
        streak = 0;
        hinted = true;
        lastHintNanos = nowNanos;
        return "packets from " + peer + " fail authentication (" + n
                + " in a row): different pad or state? Compare 'psk-keygen info' of both pads"
                + " (fingerprint) and check that --state belongs to this pad";
    }
}
