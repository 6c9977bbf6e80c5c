package dev.psk.tunnel.handshake;

import dev.psk.common.Secrets;
import dev.psk.common.pad.PadLayout;
import java.nio.charset.StandardCharsets;

/**
 * The handshake's key material, all derived from the pad's control slot (its last slot, which is
 * never used for data and never erased; docs/protocol.md section 3.2):
 *
 * <pre>
 *   PRK     = HKDF-Extract(salt = "psk-tunnel/v1 handshake", IKM = control slot (120 bytes))
 *   key_i2r = HKDF-Expand(PRK, "psk-tunnel/v1 hello key initiator->responder", 32)
 *   key_r2i = HKDF-Expand(PRK, "psk-tunnel/v1 hello key responder->initiator", 32)
 *   psk_s   = HKDF-Expand(PRK, "psk-tunnel/v2 session psk", 32)
 *   pad_fp  = PadLayout.fingerprint(control slot)   (HMAC(control slot, "psk-tunnel/v1 pad fingerprint")[0:16])
 * </pre>
 *
 * One key per direction, so a message can never be reflected back to its sender and verify. The
 * fingerprint keys HMAC with the slot itself while HKDF-Extract keys it with the salt, and the
 * fixed strings differ, so fingerprint and keys are independent PRF outputs.
 *
 * <p>Not thread-safe to {@link #destroy()} while in use; key bytes never appear in toString.
 */
public final class HandshakeKeys implements AutoCloseable {
    private final byte[] keyI2r;
    private final byte[] keyR2i;
    private final byte[] sessionPsk;
    private final byte[] padFingerprint;

    private HandshakeKeys(byte[] keyI2r, byte[] keyR2i, byte[] sessionPsk, byte[] padFingerprint) {
        this.keyI2r = keyI2r;
        this.keyR2i = keyR2i;
        this.sessionPsk = sessionPsk;
        this.padFingerprint = padFingerprint;
    }

    /** Derives the keys from a copy of the control slot; the caller still wipes its own copy. */
    public static HandshakeKeys fromControlSlot(byte[] controlSlot) {
        if (controlSlot.length != PadLayout.SLOT_BYTES) {
            throw new IllegalArgumentException(
                    "control slot must be " + PadLayout.SLOT_BYTES + " bytes, not " + controlSlot.length);
        }
        byte[] prk = Hkdf.extract(ascii(HandshakeWire.HKDF_SALT), controlSlot);
        try {
            return new HandshakeKeys(
                    Hkdf.expand(prk, ascii(HandshakeWire.INFO_KEY_I2R), HandshakeWire.KEY_BYTES),
                    Hkdf.expand(prk, ascii(HandshakeWire.INFO_KEY_R2I), HandshakeWire.KEY_BYTES),
                    Hkdf.expand(prk, ascii(HandshakeWire.INFO_SESSION_PSK), HandshakeWire.KEY_BYTES),
                    PadLayout.fingerprint(controlSlot));
        } finally {
            Secrets.wipe(prk);
        }
    }

    /**
     * Reads the pad's control slot (its last slot; PadFile serves data slots only), derives the keys
     * and wipes the slot copy.
     */
    public static HandshakeKeys fromPad(dev.psk.tunnel.pad.PadFile pad) throws java.io.IOException {
        long index = PadLayout.controlSlotIndex(pad.sizeBytes());
        if (index < 1) {
            throw new java.io.IOException("pad " + pad.path() + " has no control slot (needs at least 2 slots)");
        }
        byte[] slot = new byte[PadLayout.SLOT_BYTES];
        try (java.nio.channels.FileChannel ch =
                java.nio.channels.FileChannel.open(pad.path(), java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(slot);
            long off = index * PadLayout.SLOT_BYTES;
            while (b.hasRemaining()) {
                if (ch.read(b, off + b.position()) < 0) {
                    throw new java.io.EOFException("pad " + pad.path() + " ended inside its control slot");
                }
            }
            return fromControlSlot(slot);
        } finally {
            Secrets.wipe(slot);
        }
    }

    /** MAC key for messages sent by {@code role} (initiator: HELLO, CONFIRM, its REJECT). */
    byte[] macKeyFor(byte senderRole) {
        return senderRole == HandshakeWire.ROLE_INITIATOR ? keyI2r : keyR2i;
    }

    /**
     * The session secret of a completed exchange (docs/protocol.md 3.2):
     * {@code HKDF-Expand(HKDF-Extract(salt = psk_s, IKM = dh), "psk-tunnel/v2 session secret" || th, 32)}
     * where {@code th} is the transcript body hash. The pad (through psk_s), the ephemeral
     * Diffie-Hellman result and the transcript all go in; the caller owns (closes) the result.
     */
    public dev.psk.common.SecretBytes sessionSecret(dev.psk.common.SecretBytes dh, byte[] transcriptHash) {
        byte[] prk = Hkdf.extract(sessionPsk, dh.reveal());
        byte[] label = ascii(HandshakeWire.INFO_SESSION_SECRET);
        byte[] info = new byte[label.length + transcriptHash.length];
        System.arraycopy(label, 0, info, 0, label.length);
        System.arraycopy(transcriptHash, 0, info, label.length, transcriptHash.length);
        try {
            return dev.psk.common.SecretBytes.takeOwnership(Hkdf.expand(prk, info, HandshakeWire.KEY_BYTES));
        } finally {
            Secrets.wipe(prk);
        }
    }

    /**
     * Runs the exchange's Diffie-Hellman ({@code X25519(ours, theirs)}) and returns
     * {@link #sessionSecret(dev.psk.common.SecretBytes, byte[])} over it and the transcript.
     *
     * @throws dev.psk.tunnel.crypto.LowOrderPointException when the peer's key gives an all-zero result
     */
    public dev.psk.common.SecretBytes sessionSecret(
            dev.psk.tunnel.crypto.X25519PrivateKey ours, byte[] theirs, Transcript transcript)
            throws dev.psk.tunnel.crypto.LowOrderPointException {
        try (dev.psk.common.SecretBytes dh =
                dev.psk.tunnel.crypto.X25519.agree(ours, dev.psk.tunnel.crypto.X25519PublicKey.fromBytes(theirs))) {
            return sessionSecret(dh, transcript.bodyHash());
        }
    }

    /** The pad fingerprint (not secret). Returns a copy. */
    public byte[] padFingerprint() {
        return padFingerprint.clone();
    }

    byte[] padFingerprintRef() {
        return padFingerprint;
    }

    @Override
    public void close() {
        destroy();
    }

    public void destroy() {
        Secrets.wipe(keyI2r, keyR2i, sessionPsk);
    }

    @Override
    public String toString() {
        return "HandshakeKeys[pad " + dev.psk.common.Hex.encode(padFingerprint) + "]";
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
