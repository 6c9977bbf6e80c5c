package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a WELCOME or CONFIRM larger than {@link HandshakeWire#MAX_DATAGRAM_BYTES} into FRAGMENT
 * datagrams (docs/protocol.md 3.6). Each fragment is MACed under the sender's direction key, so a
 * receiver authenticates every slice before it buffers it; the reassembled message carries its own
 * MAC as well.
 */
public final class Fragmenter {
    private Fragmenter() {}

    /** The datagrams to send for {@code message}: the message itself when it fits. */
    public static List<byte[]> split(byte[] message, HandshakeMac mac) {
        if (message.length <= MAX_DATAGRAM_BYTES) {
            return List.of(message);
        }
        if (message.length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException(
                    "handshake message of " + message.length + " bytes exceeds " + MAX_MESSAGE_BYTES);
        }
        byte type = message[OFF_TYPE];
        byte role = message[OFF_ROLE];
        byte[] session = HandshakeCodec.copy(message, OFF_SESSION, SESSION_ID_BYTES);
        int count = (message.length + MAX_CHUNK_BYTES - 1) / MAX_CHUNK_BYTES;
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int off = i * MAX_CHUNK_BYTES;
            int chunk = Math.min(MAX_CHUNK_BYTES, message.length - off);
            byte[] f = new byte[FRAG_OVERHEAD_BYTES + chunk];
            ByteBuffer b = ByteBuffer.wrap(f);
            HandshakeCodec.writeHeader(b, TYPE_FRAGMENT, role, 0, session);
            b.put(type)
                    .put((byte) i)
                    .put((byte) count)
                    .put((byte) 0)
                    .putShort((short) message.length)
                    .putShort((short) off)
                    .putShort((short) chunk);
            b.position(FRAG_OFF_CHUNK);
            b.put(message, off, chunk);
            mac.seal(f, f.length, role);
            out.add(f);
        }
        return out;
    }
}
