package dev.psk.tunnel.hub;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of a transport session: ChaCha20-Poly1305 with the Noise nonce layout (32 zero
 * bits, then the 64-bit counter little-endian), empty associated data, sealing and opening in the
 * caller's buffer. Never throws on a bad packet: {@link #open} returns -1.
 *
 * <p>Thread-safety: not thread-safe; the sending (or receiving) thread owns it.
 */
final class TransportCipher {
    private final SecretKeySpec key;
    private final byte[] rawKey;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];

    TransportCipher(byte[] keyBytes) {
        rawKey = keyBytes.clone();
        key = new SecretKeySpec(rawKey, "ChaCha20");
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seals {@code buf[off, off+len)} in place; the tag follows. @return ciphertext length */
    int seal(long counter, byte[] buf, int off, int len) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce(counter)));
            return cipher.doFinal(buf, off, len, buf, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    /** Opens {@code buf[off, off+len)} in place. @return plaintext length, or -1 when the tag is wrong */
    int open(long counter, byte[] buf, int off, int len) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce(counter)));
            return cipher.doFinal(buf, off, len, buf, off);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return -1;
        }
    }

    private byte[] nonce(long counter) {
        HubWire.putLongLE(nonce, 4, counter);
        return nonce;
    }

    /** Zeroes the raw key copy (the provider's copy goes with the object). */
    void wipe() {
        Arrays.fill(rawKey, (byte) 0);
    }
}
