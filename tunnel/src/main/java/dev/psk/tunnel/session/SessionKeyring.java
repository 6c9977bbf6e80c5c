package dev.psk.tunnel.session;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The session keys of one point-to-point peer (docs/protocol.md, "Key epochs and rekey"): at most
 * one key to send with, the keys a receiver accepts by epoch, and the switch between them.
 *
 * <ul>
 *   <li>The responder sends with a new key as soon as the handshake completes (it has seen CONFIRM,
 *       so the initiator holds the key too).</li>
 *   <li>The initiator, which completes first, keeps sending with its current key until the first
 *       authentic packet under the new epoch arrives ({@link #onAuthentic}), so nothing it sends
 *       is dropped by a responder that has not yet processed CONFIRM. Without a current key it sends
 *       with the new one at once.</li>
 *   <li>A superseded key is still accepted for {@link #grace} and then retired (wiped).</li>
 *   <li>A key older than the reject limit is retired by {@link #expire}: with no successful rekey,
 *       data stops.</li>
 * </ul>
 *
 * <p>Thread-safety: {@link #install}, {@link #expire} and {@link #retireAll} run on the handshake
 * thread (synchronized); the packet threads read {@link #tx()} and {@link #rx(int)} (volatile,
 * lock-free) and call {@link #onAuthentic} per packet (two volatile reads unless it switches or
 * marks the key heard, once per key).
 */
public final class SessionKeyring {
    public static final int MAX_EPOCH = 3;

    private final boolean deferSwitch;
    private final long graceNanos;
    private final AtomicReferenceArray<SessionKey> rx = new AtomicReferenceArray<>(MAX_EPOCH + 1);
    private volatile SessionKey tx;
    private volatile SessionKey pendingTx;
    private volatile long clockNanos;
    private volatile long switches;

    /**
     * @param initiator true for the handshake initiator, which defers its send switch
     * @param graceNanos how long a superseded key is still accepted
     */
    public SessionKeyring(boolean initiator, long graceNanos) {
        this.deferSwitch = initiator;
        this.graceNanos = graceNanos;
    }

    /** The key to send with, or null (nothing may be sent). */
    public SessionKey tx() {
        SessionKey k = tx;
        return k != null && k.usable() ? k : null;
    }

    /** The key accepted under {@code epoch}, or null. */
    public SessionKey rx(int epoch) {
        SessionKey k = rx.get(epoch & MAX_EPOCH);
        return k != null && k.usable() ? k : null;
    }

    /** The newest installed key (sending or about to), or null. */
    public SessionKey newest() {
        SessionKey p = pendingTx;
        return p != null && p.usable() ? p : tx();
    }

    /** An epoch no live key uses, for the responder to assign to a new session. */
    public synchronized int nextEpoch() {
        SessionKey n = newest();
        int start = n == null ? 0 : (n.epoch() + 1) & MAX_EPOCH;
        for (int i = 0; i <= MAX_EPOCH; i++) {
            int e = (start + i) & MAX_EPOCH;
            if (rx(e) == null) {
                return e;
            }
        }
        return start;
    }

    /** How many times the sending key changed (for tests and logs). */
    public long switches() {
        return switches;
    }

    /** Installs the key of a just-completed handshake; any key under the same epoch is retired. */
    public synchronized void install(SessionKey k, long nowNanos) {
        clockNanos = nowNanos;
        SessionKey old = rx.getAndSet(k.epoch(), k);
        if (old != null && old != k) {
            old.retire();
        }
        SessionKey p = pendingTx;
        if (p != null && p != k) {
            p.retire(); // a pending key never used for sending: superseded
            pendingTx = null;
        }
        SessionKey current = tx();
        if (deferSwitch && current != null && current != k) {
            pendingTx = k;
        } else {
            switchTo(k, nowNanos);
        }
    }

    /** Called by the receive thread for every authentic packet: the initiator's deferred switch. */
    public void onAuthentic(SessionKey k) {
        if (!k.heard()) {
            k.markHeard(); // once per key: the handshake service logs the initiator's "established" on it
        }
        if (pendingTx == k) {
            synchronized (this) {
                if (pendingTx == k) {
                    pendingTx = null;
                    switchTo(k, clockNanos);
                }
            }
        }
    }

    private void switchTo(SessionKey k, long nowNanos) {
        SessionKey before = tx;
        if (before != null && before != k) {
            before.supersede(nowNanos + graceNanos);
        }
        tx = k;
        switches++;
    }

    /**
     * Retires superseded keys past their grace and every key older than {@code rejectAfterNanos};
     * returns true when a key to send with remains.
     */
    public synchronized boolean expire(long nowNanos, long rejectAfterNanos) {
        clockNanos = nowNanos;
        for (int e = 0; e <= MAX_EPOCH; e++) {
            SessionKey k = rx.get(e);
            if (k == null) {
                continue;
            }
            boolean old = nowNanos - k.establishedNanos() >= rejectAfterNanos;
            boolean graceOver = k.graceOver(nowNanos) && k != tx && k != pendingTx;
            if (old || graceOver || !k.usable()) {
                retire(e, k);
            }
        }
        return tx() != null;
    }

    private void retire(int epoch, SessionKey k) {
        rx.compareAndSet(epoch, k, null);
        if (tx == k) {
            tx = null;
        }
        if (pendingTx == k) {
            pendingTx = null;
        }
        k.retire();
    }

    /** Retires and wipes every key: data stops at once (a refused peer, a removed pin, shutdown). */
    public synchronized void retireAll() {
        for (int e = 0; e <= MAX_EPOCH; e++) {
            SessionKey k = rx.get(e);
            if (k != null) {
                retire(e, k);
            }
        }
        SessionKey t = tx;
        if (t != null) {
            t.retire();
        }
        tx = null;
        pendingTx = null;
    }
}
