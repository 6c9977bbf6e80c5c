package dev.psk.tunnel.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Noise SymmetricState (section 5.2) for SHA-256: the chaining key, the handshake hash and the
 * CipherState they key. {@link #split()} ends the handshake and wipes this state.
 *
 * <p>Thread-safety: not thread-safe; one handshake owns it.
 */
public final class SymmetricState implements AutoCloseable {
    private final CipherState cipher;
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocolName). */
    public SymmetricState(String protocolName) {
        cipher = new CipherState();
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        if (name.length <= NoiseHash.HASH_BYTES) {
            h = Arrays.copyOf(name, NoiseHash.HASH_BYTES);
        } else {
            h = NoiseHash.hash(name);
        }
        ck = h.clone();
    }

    private SymmetricState(SymmetricState o) {
        cipher = o.cipher.copy();
        ck = o.ck.clone();
        h = o.h.clone();
    }

    /** An independent copy: work on it, then keep it or close it, and this state is untouched. */
    public SymmetricState copy() {
        return new SymmetricState(this);
    }

    public void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = NoiseHash.hkdf(ck, inputKeyMaterial, 2);
        Arrays.fill(ck, (byte) 0);
        ck = out[0];
        cipher.initializeKey(out[1]);
        Arrays.fill(out[1], (byte) 0);
    }

    public void mixHash(byte[] data) {
        h = NoiseHash.hash(h, data);
    }

    /** MixKeyAndHash: how the {@code psk} token enters the state (section 9). */
    public void mixKeyAndHash(byte[] inputKeyMaterial) {
        byte[][] out = NoiseHash.hkdf(ck, inputKeyMaterial, 3);
        Arrays.fill(ck, (byte) 0);
        ck = out[0];
        mixHash(out[1]);
        cipher.initializeKey(out[2]);
        Arrays.fill(out[2], (byte) 0);
    }

    public byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ct = cipher.encryptWithAd(h, plaintext);
        mixHash(ct);
        return ct;
    }

    public byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] pt = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return pt;
    }

    public boolean hasKey() {
        return cipher.hasKey();
    }

    /** The handshake hash h (a copy): channel binding, and what a hardware identity signs. */
    public byte[] handshakeHash() {
        return h.clone();
    }

    /**
     * Split: two CipherStates, the first for initiator-to-responder traffic, the second for the
     * reverse direction. Wipes the chaining key and the handshake cipher.
     */
    public CipherState[] split() {
        byte[][] out = NoiseHash.hkdf(ck, new byte[0], 2);
        CipherState c1 = new CipherState();
        CipherState c2 = new CipherState();
        c1.initializeKey(out[0]);
        c2.initializeKey(out[1]);
        Arrays.fill(out[0], (byte) 0);
        Arrays.fill(out[1], (byte) 0);
        close();
        return new CipherState[] {c1, c2};
    }

    @Override
    public void close() {
        if (ck != null) {
            Arrays.fill(ck, (byte) 0);
        }
        cipher.wipe();
    }

    @Override
    public String toString() {
        return "SymmetricState";
    }
}
