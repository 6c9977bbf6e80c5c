package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.NoiseHash;
import dev.psk.tunnel.noise.NoiseLimits;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The responder's side of WireGuard's cookie mechanism (section 5.4.7). mac1 is checked before
 * anything else so garbage costs one HMAC; under load, mac2 must also verify, keyed by a cookie
 * that is a MAC of the sender's address and port under a secret rotated every
 * {@link NoiseLimits#COOKIE_REFRESH_TIME}. A sender without a valid mac2 gets a cookie reply
 * instead of a handshake: it proves it can receive at its address before the hub spends a DH.
 *
 * <p>Cookie replies are sealed with ChaCha20-Poly1305 (RFC 8439) under HASH("cookie--" || hub
 * public key), a random 96-bit nonce, and the answered message's mac1 as associated data. (WireGuard
 * uses XChaCha20 with a 192-bit nonce; with 96 bits, a nonce repeats with probability about
 * q^2/2^97 after q replies, which is below 2^-50 for a billion replies. A repeat would expose one
 * cookie, which is only worth something to a host at that address for two minutes.)
 *
 * <p>Thread-safety: not thread-safe; the hub's receive thread owns it. Clock injectable for tests.
 */
public final class CookieChecker {
    private final MacKeys macs;
    private final byte[] cookieSealKey;
    private final byte[] secret = new byte[32];
    private final byte[] addrScratch = new byte[18];
    private final byte[] cookie = new byte[HubWire.COOKIE_BYTES];
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier nanoClock;
    private long secretBornNanos;
    private final Cipher seal;

    public CookieChecker(byte[] hubPublicKey, LongSupplier nanoClock) {
        this.macs = new MacKeys(hubPublicKey);
        this.cookieSealKey = NoiseHash.hash(HubWire.LABEL_COOKIE, hubPublicKey);
        this.nanoClock = nanoClock;
        try {
            this.seal = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        rotate();
    }

    public CookieChecker(byte[] hubPublicKey) {
        this(hubPublicKey, System::nanoTime);
    }

    /** mac1 of {@code msg[0, n)} is right: the sender knows the hub's public key. */
    public boolean checkMac1(byte[] msg, int n) {
        return n >= 2 * HubWire.MAC_BYTES && macs.checkMac1(msg, n);
    }

    /** mac2 of {@code msg[0, n)} matches the current cookie of {@code source}. */
    public boolean checkMac2(byte[] msg, int n, InetSocketAddress source) {
        if (n < 2 * HubWire.MAC_BYTES) {
            return false;
        }
        makeCookie(source);
        return macs.checkMac2(cookie, msg, n);
    }

    /**
     * Builds the cookie reply to {@code msg[0, n)} (whose mac1 already verified) into {@code out},
     * addressed to the sender's index {@code senderIndex}.
     *
     * @return the reply length, {@link HubWire#COOKIE_REPLY_BYTES}
     */
    public int writeCookieReply(byte[] msg, int n, int senderIndex, InetSocketAddress source, byte[] out) {
        makeCookie(source);
        Arrays.fill(out, 0, HubWire.COOKIE_REPLY_BYTES, (byte) 0);
        out[0] = HubWire.TYPE_COOKIE_REPLY;
        HubWire.putIntLE(out, HubWire.COOKIE_RECEIVER_OFFSET, senderIndex);
        byte[] nonce = new byte[HubWire.COOKIE_NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, HubWire.COOKIE_NONCE_OFFSET, nonce.length);
        try {
            seal.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cookieSealKey, "ChaCha20"), new IvParameterSpec(nonce));
            seal.updateAAD(msg, HubWire.mac1Offset(n), HubWire.MAC_BYTES);
            seal.doFinal(cookie, 0, cookie.length, out, HubWire.COOKIE_SEALED_OFFSET);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
        return HubWire.COOKIE_REPLY_BYTES;
    }

    private void makeCookie(InetSocketAddress source) {
        long now = nanoClock.getAsLong();
        if (now - secretBornNanos >= NoiseLimits.COOKIE_REFRESH_TIME.toNanos()) {
            rotate();
        }
        byte[] a = source.getAddress().getAddress();
        System.arraycopy(a, 0, addrScratch, 0, a.length);
        addrScratch[a.length] = (byte) (source.getPort() >>> 8);
        addrScratch[a.length + 1] = (byte) source.getPort();
        macs.keyedInto(secret, addrScratch, a.length + 2, cookie);
    }

    private void rotate() {
        random.nextBytes(secret);
        secretBornNanos = nanoClock.getAsLong();
    }
}
