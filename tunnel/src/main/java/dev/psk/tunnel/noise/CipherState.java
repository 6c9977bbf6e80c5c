package dev.psk.tunnel.noise;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise CipherState (section 5.1) over ChaChaPoly (section 12.3: RFC 8439 AEAD, nonce = 32 zero
 * bits followed by the 64-bit counter little-endian). The counter value 2^64-1 is reserved and
 * never used, so after 2^64-1 messages the state refuses to go on.
 *
 * <p>Thread-safety: not thread-safe; one owner.
 */
public final class CipherState implements AutoCloseable {
    public static final int KEY_BYTES = 32;
    public static final int TAG_BYTES = 16;
    public static final int NONCE_BYTES = 12;

    private byte[] key;
    private long nonce;
    /** Made on first use: most states (split outputs, trial copies) never encrypt here. */
    private Cipher cipher;

    private final byte[] nonceBytes = new byte[NONCE_BYTES];

    public CipherState() {}

    private Cipher cipher() {
        if (cipher == null) {
            try {
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
            }
        }
        return cipher;
    }

    /** InitializeKey: takes a copy of {@code k} and resets the counter to zero. */
    public void initializeKey(byte[] k) {
        wipe();
        key = k == null ? null : k.clone();
        nonce = 0;
    }

    /** An independent copy (key and counter): a trial that may be discarded without touching this one. */
    CipherState copy() {
        CipherState c = new CipherState();
        c.key = key == null ? null : key.clone();
        c.nonce = nonce;
        return c;
    }

    public boolean hasKey() {
        return key != null;
    }

    /** The next counter value (unsigned). */
    public long nonce() {
        return nonce;
    }

    /** SetNonce: for transport messages whose counter travels on the wire. */
    public void setNonce(long n) {
        nonce = n;
    }

    /** EncryptWithAd: returns plaintext unchanged when no key is set. */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        if (key == null) {
            return plaintext.clone();
        }
        checkNonce();
        try {
            Cipher c = cipher();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonceBytes(nonce)));
            c.updateAAD(ad);
            byte[] out = c.doFinal(plaintext);
            nonce++;
            return out;
        } catch (GeneralSecurityException e) {
            throw new NoiseException(NoiseException.Reason.PROVIDER, "ChaChaPoly encrypt failed", e);
        }
    }

    /** DecryptWithAd: the counter advances only when the tag verifies. */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        if (key == null) {
            return ciphertext.clone();
        }
        checkNonce();
        if (ciphertext.length < TAG_BYTES) {
            throw new NoiseException(NoiseException.Reason.MALFORMED, "ciphertext shorter than the 16-byte tag");
        }
        try {
            Cipher c = cipher();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonceBytes(nonce)));
            c.updateAAD(ad);
            byte[] out = c.doFinal(ciphertext);
            nonce++;
            return out;
        } catch (AEADBadTagException e) {
            throw new NoiseException(NoiseException.Reason.DECRYPT_FAILED, "ChaChaPoly tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new NoiseException(NoiseException.Reason.PROVIDER, "ChaChaPoly decrypt failed", e);
        }
    }

    private void checkNonce() throws NoiseException {
        if (nonce == -1L) {
            throw new NoiseException(NoiseException.Reason.NONCE_EXHAUSTED, "nonce 2^64-1 is reserved: rekey");
        }
    }

    private byte[] nonceBytes(long n) {
        Arrays.fill(nonceBytes, (byte) 0);
        for (int i = 0; i < 8; i++) {
            nonceBytes[4 + i] = (byte) (n >>> (8 * i));
        }
        return nonceBytes;
    }

    /** A copy of the key for a transport session; the caller wipes it. Null when none is set. */
    public byte[] keyCopy() {
        return key == null ? null : key.clone();
    }

    public void wipe() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
            key = null;
        }
    }

    @Override
    public void close() {
        wipe();
    }

    @Override
    public String toString() {
        return "CipherState[nonce=" + Long.toUnsignedString(nonce) + "]";
    }
}
