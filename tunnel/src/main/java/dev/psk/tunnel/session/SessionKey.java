package dev.psk.tunnel.session;

import dev.psk.common.SecretBytes;

/**
 * The secret of one completed handshake and the key epoch (0..3) that names it in the PSK2 flags
 * byte (docs/protocol.md, "Session-bound data keys"). Lives only in memory; {@link #retire} wipes
 * it. Data keys are derived from it slot by slot ({@link DataKeyDeriver}).
 *
 * <p>Thread-safety: built by the handshake thread and published through {@link SessionKeyring};
 * the packet threads read {@link #usable()} (volatile) before and after using a key derived from
 * it, so a key derived while the secret was being wiped is never used: {@link #retire} marks the
 * key unusable before it wipes.
 */
public final class SessionKey {
    private final int epoch;
    private final SecretBytes secret;
    private final long establishedNanos;
    private volatile boolean retired;
    /** Set once the key is superseded for sending: until when it is still accepted (nanos). */
    private volatile boolean superseded;

    private volatile long acceptUntilNanos;
    /** Set once an authentic packet under this key arrived: the peer holds it too (it accepted the handshake). */
    private volatile boolean heard;

    /**
     * @param secret the 32-byte session secret, owned by this key from now on
     * @param establishedNanos when the handshake completed, on the keyring's clock
     */
    public SessionKey(int epoch, SecretBytes secret, long establishedNanos) {
        if (epoch < 0 || epoch > SessionKeyring.MAX_EPOCH) {
            throw new IllegalArgumentException("key epoch must be 0.." + SessionKeyring.MAX_EPOCH + ", not " + epoch);
        }
        if (secret.length() != 32) {
            throw new IllegalArgumentException("session secret must be 32 bytes, not " + secret.length());
        }
        this.epoch = epoch;
        this.secret = secret;
        this.establishedNanos = establishedNanos;
    }

    public int epoch() {
        return epoch;
    }

    public long establishedNanos() {
        return establishedNanos;
    }

    /** True once an authentic packet under this key has arrived (proof that the peer completed the handshake). */
    public boolean heard() {
        return heard;
    }

    void markHeard() {
        heard = true;
    }

    public boolean usable() {
        return !retired;
    }

    /** True once superseded and past its grace at {@code nowNanos}. */
    boolean graceOver(long nowNanos) {
        return superseded && nowNanos - acceptUntilNanos >= 0;
    }

    void supersede(long acceptUntil) {
        acceptUntilNanos = acceptUntil;
        superseded = true;
    }

    /** Derives a data key; false when the key is retired (before or during the derivation). */
    boolean derive(DataKeyDeriver d, byte[] slotBytes, long slot, int direction, byte[] out) {
        if (retired) {
            return false;
        }
        boolean ok;
        try {
            ok = d.derive(secret.reveal(), slotBytes, slot, direction, out);
        } catch (IllegalStateException wipedMeanwhile) {
            ok = false;
        }
        if (!ok || retired) {
            java.util.Arrays.fill(out, (byte) 0);
            return false;
        }
        return true;
    }

    /** Marks the key unusable, then wipes the secret. Idempotent. */
    public void retire() {
        retired = true;
        secret.close();
    }

    @Override
    public String toString() {
        return "SessionKey[epoch " + epoch + (retired ? ", retired" : "") + "]";
    }
}
