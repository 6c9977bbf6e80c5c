package dev.psk.tunnel.device;

import dev.psk.tunnel.DropReason;
import dev.psk.tunnel.crypto.PacketAead;
import java.nio.ByteBuffer;

/**
 * The cryptographic half of a peer: turns a TUN packet into a datagram and back, in place. The
 * device owns sockets, threads and buffers; a session owns keys, sequence numbers and the replay
 * window. PSK2 ({@link dev.psk.tunnel.session.Psk2Session}) is one implementation; the hub's Noise transport can be another.
 *
 * <p>Buffer layout (indices absolute, packet buffers of {@code Psk2Wire.BUFFER_BYTES}):
 * <ul>
 *   <li>seal: the plaintext is at {@code [HEADROOM, HEADROOM+len)}; the session writes its header
 *       into {@code [HEADROOM-headerBytes(), HEADROOM)} and its tag after the payload; the datagram
 *       is {@code [HEADROOM-headerBytes(), HEADROOM+len+tagBytes())}.
 *   <li>open: the datagram is at {@code [0, len)}; on success the plaintext is at
 *       {@code [headerBytes(), len-tagBytes())}.
 * </ul>
 *
 * <p>Threading: {@link #seal} is called by one sending thread and {@link #open} by one receiving
 * thread, possibly concurrently with each other. Neither allocates per packet nor throws on network
 * input: a refusal is a {@link DropReason}.
 */
public interface PeerSession {
    /** Room the device leaves in front of a TUN packet: the largest header any session writes. */
    int HEADROOM = 32;

    int headerBytes();

    int tagBytes();

    /** Seals a payload of {@code len} bytes; null on success, else why nothing may be sent. */
    DropReason seal(ByteBuffer buf, int len, PacketAead aead);

    /** Verifies and decrypts a datagram of {@code len} bytes; null when it is authentic and fresh. */
    DropReason open(ByteBuffer buf, int len, PacketAead aead);

    /**
     * True once this session can send nothing more, ever (a PSK2 pad used up): the send path
     * reports it after the last datagram went out. Read after each seal, so it must be cheap.
     */
    default boolean exhausted() {
        return false;
    }

    /** Clean stop after both packet threads have ended: persist what must survive, wipe keys. */
    void close() throws dev.psk.common.PskException;
}
