package dev.psk.tunnel.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link PacketAead} on the JDK's ChaCha20-Poly1305 (SunJCE), the portable fallback when
 * libcrypto is missing.
 *
 * <p>Costs that cannot be removed through the JCE API, measured on JDK 25 (see
 * docs/benchmarks.md): every {@code Cipher.init} allocates (the provider builds a fresh Poly1305
 * instance and key array, and {@link IvParameterSpec} copies the nonce), and a forged packet
 * costs an {@link AEADBadTagException}. What we do control: the {@link SecretKeySpec} is built
 * once per key rather than per packet, and the packet is processed in a per-instance heap
 * array because the provider's direct-buffer path allocates a whole-packet array per call.
 */
public final class JceChaCha20Poly1305 implements PacketAead {
    private final Cipher cipher;
    private final byte[] scratch;
    private final byte[] lastKey = new byte[KEY_BYTES];
    private SecretKeySpec keySpec;

    public JceChaCha20Poly1305(int maxPacketBytes) {
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is missing from this JDK", e);
        }
        this.scratch = new byte[maxPacketBytes + TAG_BYTES];
    }

    @Override
    public void seal(byte[] key, byte[] nonce, ByteBuffer buf, int aadOff, int aadLen, int dataOff, int dataLen) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, keySpec(key), new IvParameterSpec(nonce));
            buf.get(aadOff, scratch, 0, aadLen);
            cipher.updateAAD(scratch, 0, aadLen);
            buf.get(dataOff, scratch, 0, dataLen);
            int n = cipher.doFinal(scratch, 0, dataLen, scratch, 0);
            buf.put(dataOff, scratch, 0, n);
        } catch (GeneralSecurityException e) {
            // Only reachable on a programming error (bad key length, short buffer).
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    @Override
    public boolean open(byte[] key, byte[] nonce, ByteBuffer buf, int aadOff, int aadLen, int dataOff, int ctLen) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, keySpec(key), new IvParameterSpec(nonce));
            buf.get(aadOff, scratch, 0, aadLen);
            cipher.updateAAD(scratch, 0, aadLen);
            buf.get(dataOff, scratch, 0, ctLen + TAG_BYTES);
            int n = cipher.doFinal(scratch, 0, ctLen + TAG_BYTES, scratch, 0);
            buf.put(dataOff, scratch, 0, n);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
        } finally {
            Arrays.fill(scratch, 0, Math.min(scratch.length, ctLen + TAG_BYTES), (byte) 0);
        }
    }

    /** The spec for {@code key}, rebuilt only when the key bytes change (callers reuse arrays). */
    private SecretKeySpec keySpec(byte[] key) {
        if (keySpec == null || !java.security.MessageDigest.isEqual(key, lastKey)) {
            keySpec = new SecretKeySpec(key, "ChaCha20");
            System.arraycopy(key, 0, lastKey, 0, KEY_BYTES);
        }
        return keySpec;
    }

    @Override
    public String name() {
        return "jce";
    }

    @Override
    public void close() {
        Arrays.fill(scratch, (byte) 0);
        Arrays.fill(lastKey, (byte) 0);
        keySpec = null;
    }
}
