package dev.psk.tunnel.hub;

import dev.psk.tunnel.noise.NoiseLimits;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Sealing and opening of transport messages (type 4), shared by hub and client. Cheap checks come
 * first (size, header, receiver index, session age, replay window), the AEAD last; the replay
 * window moves only after the tag verified. Nothing throws and nothing allocates on a bad packet:
 * the result is a {@link HubDropReason} counted by the caller.
 *
 * <p>Thread-safety: one instance per receiving thread ({@link #session()} is that thread's result).
 */
final class TransportPath {
    private final SessionTable table;
    private Session session;
    private HubDropReason reason;

    TransportPath(SessionTable table) {
        this.table = table;
    }

    /**
     * Seals the {@code len} plaintext bytes at {@link HubWire#TRANSPORT_HEADER_BYTES} of {@code buf}
     * (room for padding and tag after them) into a transport message.
     *
     * @return the datagram length, or -1 when the session may not send
     */
    static int seal(Session s, byte[] buf, ByteBuffer view, int len, long now) {
        synchronized (s) {
            return sealLocked(s, buf, view, len, now);
        }
    }

    private static int sealLocked(Session s, byte[] buf, ByteBuffer view, int len, long now) {
        if (s.isDead()) {
            return -1;
        }
        long counter = s.nextSendCounter(now);
        if (counter == -1) {
            // -1 is never a valid counter (2^64-1 is past REJECT_AFTER_MESSAGES): "may not send".
            return -1;
        }
        int padded = HubWire.paddedLength(len);
        Arrays.fill(buf, HubWire.TRANSPORT_HEADER_BYTES + len, HubWire.TRANSPORT_HEADER_BYTES + padded, (byte) 0);
        buf[0] = HubWire.TYPE_TRANSPORT;
        buf[1] = 0;
        buf[2] = 0;
        buf[3] = 0;
        HubWire.putIntLE(buf, HubWire.TRANSPORT_RECEIVER_OFFSET, s.remoteIndex);
        HubWire.putLongLE(buf, HubWire.TRANSPORT_COUNTER_OFFSET, counter);
        int c = s.sendCipher().seal(counter, buf, HubWire.TRANSPORT_HEADER_BYTES, padded);
        s.lastSentNanos = now;
        return HubWire.TRANSPORT_HEADER_BYTES + c;
    }

    /**
     * Opens transport message {@code buf[0, n)} in place.
     *
     * @return the padded plaintext length at {@link HubWire#TRANSPORT_HEADER_BYTES} (0 for a
     *     keepalive), or -1 with {@link #reason()} set
     */
    int open(byte[] buf, ByteBuffer view, int n, long now) {
        session = null;
        if (n < HubWire.TRANSPORT_MIN_BYTES) {
            return fail(HubDropReason.TOO_SHORT);
        }
        if (!HubWire.hasHeader(buf, n, HubWire.TYPE_TRANSPORT)) {
            return fail(HubDropReason.BAD_TYPE);
        }
        Session s = table.get(HubWire.getIntLE(buf, HubWire.TRANSPORT_RECEIVER_OFFSET));
        if (s == null) {
            return fail(HubDropReason.UNKNOWN_RECEIVER);
        }
        if (!s.usable(now)) {
            return fail(HubDropReason.SESSION_EXPIRED);
        }
        long counter = HubWire.getLongLE(buf, HubWire.TRANSPORT_COUNTER_OFFSET);
        if (Long.compareUnsigned(counter, NoiseLimits.REJECT_AFTER_MESSAGES) >= 0 || !s.replay.check(counter)) {
            return fail(HubDropReason.REPLAYED_COUNTER);
        }
        int p;
        synchronized (s) {
            if (s.isDead()) {
                return fail(HubDropReason.SESSION_EXPIRED);
            }
            p = s.receiveCipher().open(counter, buf, HubWire.TRANSPORT_HEADER_BYTES, n - HubWire.TRANSPORT_HEADER_BYTES);
        }
        if (p < 0) {
            return fail(HubDropReason.DECRYPT_FAILED);
        }
        s.replay.commit(counter);
        s.lastReceivedNanos = now;
        session = s;
        return p;
    }

    Session session() {
        return session;
    }

    HubDropReason reason() {
        return reason;
    }

    private int fail(HubDropReason r) {
        reason = r;
        return -1;
    }
}
