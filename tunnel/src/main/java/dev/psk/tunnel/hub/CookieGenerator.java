package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.NoiseHash;
import dev.psk.tunnel.noise.NoiseLimits;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sender's side of the cookie mechanism: writes mac1 (keyed by the receiver's public key) on
 * every handshake message, mac2 while it holds a cookie younger than
 * {@link NoiseLimits#COOKIE_REFRESH_TIME} minus a margin, and opens cookie replies that answer its
 * last message.
 *
 * <p>Thread-safety: synchronized; a client's timer and receive threads share it.
 */
public final class CookieGenerator {
    private static final long MARGIN_NANOS = NoiseLimits.REKEY_TIMEOUT.toNanos();
    private final MacKeys macs;
    private final byte[] openKey;
    private final byte[] lastMac1 = new byte[HubWire.MAC_BYTES];
    private boolean haveLastMac1;
    private byte[] cookie;
    private long cookieNanos;
    private final LongSupplier nanoClock;

    public CookieGenerator(byte[] receiverPublicKey, LongSupplier nanoClock) {
        this.macs = new MacKeys(receiverPublicKey);
        this.openKey = NoiseHash.hash(HubWire.LABEL_COOKIE, receiverPublicKey);
        this.nanoClock = nanoClock;
    }

    public CookieGenerator(byte[] receiverPublicKey) {
        this(receiverPublicKey, System::nanoTime);
    }

    /** Fills the mac1 and mac2 slots of {@code msg[0, n)}. */
    public synchronized void addMacs(byte[] msg, int n) {
        macs.writeMac1(msg, n);
        System.arraycopy(msg, HubWire.mac1Offset(n), lastMac1, 0, HubWire.MAC_BYTES);
        haveLastMac1 = true;
        if (cookie != null
                && nanoClock.getAsLong() - cookieNanos < NoiseLimits.COOKIE_REFRESH_TIME.toNanos() - MARGIN_NANOS) {
            macs.writeMac2(cookie, msg, n);
        } else {
            Arrays.fill(msg, HubWire.mac2Offset(n), n, (byte) 0);
        }
    }

    /** True when a cookie is held (mac2 will be sent). */
    public synchronized boolean hasCookie() {
        return cookie != null;
    }

    /**
     * Opens a cookie reply; keeps its cookie when it authenticates against our last mac1.
     *
     * @return false when the reply is malformed or does not answer our last message (a drop)
     */
    public synchronized boolean consumeCookieReply(byte[] reply, int n) {
        if (n != HubWire.COOKIE_REPLY_BYTES
                || !HubWire.hasHeader(reply, n, HubWire.TYPE_COOKIE_REPLY)
                || !haveLastMac1) {
            return false;
        }
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(openKey, "ChaCha20"),
                    new IvParameterSpec(reply, HubWire.COOKIE_NONCE_OFFSET, HubWire.COOKIE_NONCE_BYTES));
            c.updateAAD(lastMac1);
            byte[] opened = c.doFinal(reply, HubWire.COOKIE_SEALED_OFFSET, HubWire.COOKIE_BYTES + HubWire.TAG_BYTES);
            cookie = opened;
            cookieNanos = nanoClock.getAsLong();
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
