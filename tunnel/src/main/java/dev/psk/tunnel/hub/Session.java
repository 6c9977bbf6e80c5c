package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.NoiseLimits;
import dev.psk.tunnel.replay.ReplayWindow;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transport keypair born of one completed handshake (WireGuard's keypair): a local receiver
 * index, the peer's index, one key per direction, the send counter and the replay window. Dead once
 * {@link #kill} ran, once it is older than {@link NoiseLimits#REJECT_AFTER_TIME}, or once a counter
 * reaches {@link NoiseLimits#REJECT_AFTER_MESSAGES}; a dead keypair seals and opens nothing.
 * {@link NoisePeerSession} holds up to three of them (next, current, previous) for one peer.
 *
 * <p>Thread-safety: {@link #nextSendCounter} is atomic; sealing, opening and {@link #kill} hold the
 * keypair's monitor (so no key is used after it was wiped); the replay window belongs to the one
 * receive thread.
 */
public final class Session {
    final int localIndex;
    final int remoteIndex;
    final String peerFingerprint;
    final long createdNanos;
    final byte[] sendKey;
    final byte[] receiveKey;
    private final AtomicLong sendCounter = new AtomicLong();
    /** Window of {@link NoiseLimits#REPLAY_WINDOW_SIZE} minus one block, as in WireGuard. */
    final ReplayWindow replay = new ReplayWindow(NoiseLimits.REPLAY_WINDOW_SIZE - Long.SIZE);
    /** The peer session this keypair belongs to; set before the keypair is published in a {@link SessionTable}. */
    volatile NoisePeerSession owner;

    volatile long lastReceivedNanos;
    volatile long lastSentNanos;
    private volatile boolean dead;

    Session(int localIndex, int remoteIndex, byte[] peerKey, CipherState[] sendReceive, long nowNanos) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.peerFingerprint = AllowedClient.fingerprint(peerKey);
        this.sendKey = sendReceive[0].keyCopy();
        this.receiveKey = sendReceive[1].keyCopy();
        sendReceive[0].wipe();
        sendReceive[1].wipe();
        this.createdNanos = nowNanos;
        this.lastReceivedNanos = nowNanos;
    }

    /** The next send counter, or -1 when the keypair may send no more (dead or exhausted). */
    long nextSendCounter(long nowNanos) {
        if (!usable(nowNanos)) {
            return -1;
        }
        long c = sendCounter.getAndIncrement();
        if (Long.compareUnsigned(c, NoiseLimits.REJECT_AFTER_MESSAGES) >= 0) {
            return -1;
        }
        return c;
    }

    long sentMessages() {
        return sendCounter.get();
    }

    boolean usable(long nowNanos) {
        return !dead && nowNanos - createdNanos < NoiseLimits.REJECT_AFTER_TIME.toNanos();
    }

    boolean isDead() {
        return dead;
    }

    /** Ends the keypair at once and wipes its keys. Idempotent; sealing and opening check {@link #isDead} under the same lock. */
    synchronized void kill() {
        if (dead) {
            return;
        }
        dead = true;
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "Session[" + peerFingerprint + " idx=" + Integer.toUnsignedString(localIndex) + (dead ? " dead" : "")
                + "]";
    }
}
