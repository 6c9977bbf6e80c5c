package dev.psk.tunnel.hub;

import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.crypto.PacketAeads;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One direction of a transport session: ChaCha20-Poly1305 through the tunnel's {@link PacketAead}
 * (libcrypto when it loads, else the JDK) with the Noise nonce layout (32 zero bits, then the
 * 64-bit counter little-endian) and empty associated data, sealing and opening in the caller's
 * buffer. Never throws on a bad packet: {@link #open} returns -1.
 *
 * <p>Thread-safety: not thread-safe; the owner serializes sealing (the session lock) and the
 * receive thread owns opening.
 */
final class TransportCipher {
    private final byte[] key;
    private final PacketAead aead;
    private final byte[] nonce = new byte[PacketAead.NONCE_BYTES];
    /** libcrypto works on native memory: packets pass through this direct buffer (two copies of at most 1.5 KB). */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(HubWire.MAX_DATAGRAM_BYTES + PacketAead.TAG_BYTES);

    TransportCipher(byte[] keyBytes) {
        key = keyBytes.clone();
        aead = PacketAeads.create(PacketAeads.AUTO);
    }

    /** Seals {@code buf[off, off+len)} in place; the tag follows. @return ciphertext length */
    int seal(long counter, byte[] buf, int off, int len) {
        scratch.put(0, buf, off, len);
        aead.seal(key, nonce(counter), scratch, 0, 0, 0, len);
        scratch.get(0, buf, off, len + PacketAead.TAG_BYTES);
        return len + PacketAead.TAG_BYTES;
    }

    /** Opens {@code buf[off, off+len)} in place. @return plaintext length, or -1 when not authentic */
    int open(long counter, byte[] buf, int off, int len) {
        if (len < PacketAead.TAG_BYTES || len > scratch.capacity()) {
            return -1;
        }
        scratch.put(0, buf, off, len);
        if (!aead.open(key, nonce(counter), scratch, 0, 0, 0, len - PacketAead.TAG_BYTES)) {
            return -1;
        }
        scratch.get(0, buf, off, len - PacketAead.TAG_BYTES);
        return len - PacketAead.TAG_BYTES;
    }

    private byte[] nonce(long counter) {
        HubWire.putLongLE(nonce, 4, counter);
        return nonce;
    }

    /** Zeroes the key and releases the AEAD. */
    void wipe() {
        Arrays.fill(key, (byte) 0);
        aead.close();
    }
}
