package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.CipherState;
import dev.psk.tunnel.noise.NoiseLimits;
import dev.psk.tunnel.replay.ReplayWindow;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transport session born of one completed handshake (WireGuard's keypair): a local receiver
 * index, the peer's index, one cipher per direction, the send counter and the replay window.
 * Dead once {@link #kill} ran, once it is older than {@link NoiseLimits#REJECT_AFTER_TIME}, or once
 * a counter reaches {@link NoiseLimits#REJECT_AFTER_MESSAGES}; a dead session sends and accepts
 * nothing.
 *
 * <p>Thread-safety: {@link #nextSendCounter} is atomic; sealing, opening and {@link #kill} hold the
 * session's monitor; the replay window belongs to the one receive thread.
 */
public final class Session {
    final int localIndex;
    final int remoteIndex;
    final byte[] peerKey;
    final String peerFingerprint;
    final boolean initiator;
    final long createdNanos;
    private final TransportCipher sendCipher;
    private final TransportCipher receiveCipher;
    private final AtomicLong sendCounter = new AtomicLong();
    /** Window of {@link NoiseLimits#REPLAY_WINDOW_SIZE} minus one block, as in WireGuard. */
    final ReplayWindow replay = new ReplayWindow(NoiseLimits.REPLAY_WINDOW_SIZE - Long.SIZE);
    volatile InetSocketAddress endpoint;
    volatile long lastReceivedNanos;
    volatile long lastSentNanos;
    private volatile boolean dead;

    Session(int localIndex, int remoteIndex, byte[] peerKey, boolean initiator, CipherState[] sendReceive,
            InetSocketAddress endpoint, long nowNanos) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.peerKey = peerKey.clone();
        this.peerFingerprint = AllowedClient.fingerprint(peerKey);
        this.initiator = initiator;
        byte[] s = sendReceive[0].keyCopy();
        byte[] r = sendReceive[1].keyCopy();
        this.sendCipher = new TransportCipher(s);
        this.receiveCipher = new TransportCipher(r);
        java.util.Arrays.fill(s, (byte) 0);
        java.util.Arrays.fill(r, (byte) 0);
        sendReceive[0].wipe();
        sendReceive[1].wipe();
        this.endpoint = endpoint;
        this.createdNanos = nowNanos;
        this.lastReceivedNanos = nowNanos;
    }

    /** The next send counter, or -1 when the session may send no more (dead or exhausted). */
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

    TransportCipher sendCipher() {
        return sendCipher;
    }

    TransportCipher receiveCipher() {
        return receiveCipher;
    }

    boolean isDead() {
        return dead;
    }

    /**
     * Ends the session at once, wipes its keys and releases the ciphers. Idempotent. Sealing and
     * opening hold the same lock and check {@link #isDead} first, so no cipher is used after this.
     */
    synchronized void kill() {
        if (dead) {
            return;
        }
        dead = true;
        sendCipher.wipe();
        receiveCipher.wipe();
    }

    @Override
    public String toString() {
        return "Session[" + peerFingerprint + " idx=" + Integer.toUnsignedString(localIndex) + (dead ? " dead" : "") + "]";
    }
}
