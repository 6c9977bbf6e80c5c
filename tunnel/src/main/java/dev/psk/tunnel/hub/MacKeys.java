package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.NoiseHash;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed MACs of hub handshakes (WireGuard section 5.4.4 with HMAC-SHA-256 truncated to 16
 * bytes in place of keyed BLAKE2s): mac1 is keyed by HASH("mac1----" || receiver's static public
 * key) so only someone who knows that public key can make a message the receiver will spend a DH
 * on; mac2 is keyed by a cookie bound to the sender's address.
 *
 * <p>Thread-safety: not thread-safe; each I/O thread owns its instance. No allocation per call.
 */
final class MacKeys {
    private final Mac mac1;
    private final Mac scratch;
    private final byte[] out = new byte[NoiseHash.HASH_BYTES];

    MacKeys(byte[] receiverStaticPublic) {
        try {
            mac1 = Mac.getInstance("HmacSHA256");
            mac1.init(new SecretKeySpec(NoiseHash.hash(HubWire.LABEL_MAC1, receiverStaticPublic), "HmacSHA256"));
            scratch = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Writes mac1 over {@code msg[0, mac1Offset)} into its slot. */
    void writeMac1(byte[] msg, int n) {
        int off = HubWire.mac1Offset(n);
        compute(mac1, msg, off);
        System.arraycopy(out, 0, msg, off, HubWire.MAC_BYTES);
    }

    /** Constant-time check of mac1. */
    boolean checkMac1(byte[] msg, int n) {
        int off = HubWire.mac1Offset(n);
        compute(mac1, msg, off);
        return dev.psk.common.Secrets.equal(out, 0, msg, off, HubWire.MAC_BYTES);
    }

    /** Writes mac2 = MAC(cookie, msg[0, mac2Offset)) into its slot. */
    void writeMac2(byte[] cookie, byte[] msg, int n) {
        int off = HubWire.mac2Offset(n);
        keyed(cookie, msg, off);
        System.arraycopy(out, 0, msg, off, HubWire.MAC_BYTES);
    }

    boolean checkMac2(byte[] cookie, byte[] msg, int n) {
        int off = HubWire.mac2Offset(n);
        keyed(cookie, msg, off);
        return dev.psk.common.Secrets.equal(out, 0, msg, off, HubWire.MAC_BYTES);
    }

    /** HMAC(key, data[0, len)) truncated to 16 bytes, copied into {@code dst}. */
    void keyedInto(byte[] key, byte[] data, int len, byte[] dst) {
        keyed(key, data, len);
        System.arraycopy(out, 0, dst, 0, HubWire.MAC_BYTES);
    }

    private void keyed(byte[] key, byte[] data, int len) {
        try {
            scratch.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        compute(scratch, data, len);
    }

    private void compute(Mac m, byte[] data, int len) {
        m.update(data, 0, len);
        try {
            m.doFinal(out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
