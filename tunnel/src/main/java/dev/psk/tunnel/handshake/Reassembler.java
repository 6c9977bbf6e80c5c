package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reassembles FRAGMENT datagrams whose MAC has already been verified (the caller checks it first:
 * nothing unauthenticated is buffered). Bounded: at most {@link HandshakeWire#MAX_REASSEMBLIES}
 * partial messages, each at most {@link HandshakeWire#MAX_MESSAGE_BYTES}, each expiring after
 * {@link HandshakeWire#REASSEMBLY_LIFETIME}; a fragment that disagrees with earlier ones (total,
 * inner type, overlapping bytes) discards the partial message.
 *
 * <p>Not thread-safe: owned by one engine.
 */
final class Reassembler {
    private record Key(InetSocketAddress from, long session, byte innerType) {}

    private static final class Partial {
        final byte[] data;
        final boolean[] have;
        final Instant expires;
        int received;

        Partial(int total, int count, Instant expires) {
            this.data = new byte[total];
            this.have = new boolean[count];
            this.expires = expires;
        }
    }

    private final Map<Key, Partial> partials = new LinkedHashMap<>();

    /**
     * Adds an authenticated, structurally valid fragment; returns the whole message once complete,
     * else null.
     */
    byte[] add(InetSocketAddress from, byte[] f, int len, Instant now) {
        expire(now);
        Key key = new Key(from, java.nio.ByteBuffer.wrap(f, OFF_SESSION, 8).getLong(), f[FRAG_OFF_INNER_TYPE]);
        int total = HandshakeCodec.u16(f, FRAG_OFF_TOTAL);
        int count = f[FRAG_OFF_COUNT] & 0xff;
        int index = f[FRAG_OFF_INDEX] & 0xff;
        Partial p = partials.get(key);
        if (p == null) {
            if (partials.size() >= MAX_REASSEMBLIES) {
                Iterator<Map.Entry<Key, Partial>> oldest = partials.entrySet().iterator();
                oldest.next();
                oldest.remove();
            }
            p = new Partial(total, count, now.plus(REASSEMBLY_LIFETIME));
            partials.put(key, p);
        } else if (p.data.length != total || p.have.length != count) {
            partials.remove(key);
            return null;
        }
        if (p.have[index]) {
            return null;
        }
        int chunk = HandshakeCodec.u16(f, FRAG_OFF_CHUNK_LEN);
        System.arraycopy(f, FRAG_OFF_CHUNK, p.data, HandshakeCodec.u16(f, FRAG_OFF_OFFSET), chunk);
        p.have[index] = true;
        if (++p.received < count) {
            return null;
        }
        partials.remove(key);
        if (p.data[OFF_TYPE] != f[FRAG_OFF_INNER_TYPE]
                || !Arrays.equals(p.data, OFF_SESSION, OFF_SESSION + 8, f, OFF_SESSION, OFF_SESSION + 8)) {
            return null;
        }
        return p.data;
    }

    /**
     * The fragment handling both engines share: checks the fragment's MAC under {@code senderRole},
     * buffers it, and once the message is whole re-validates it and checks it is {@code innerType}.
     * Returns the drop reason, or null with {@code whole[0]} set (null while incomplete).
     */
    HandshakeDrop intake(
            InetSocketAddress from,
            byte[] m,
            int len,
            HandshakeMac mac,
            byte senderRole,
            byte innerType,
            Instant now,
            byte[][] whole) {
        whole[0] = null;
        if (!mac.verify(m, len, senderRole)) {
            return HandshakeDrop.BAD_MAC;
        }
        byte[] w = add(from, m, len, now);
        if (w == null) {
            return null;
        }
        HandshakeDrop d = HandshakeCodec.validate(w, w.length);
        if (d != null) {
            return d;
        }
        if (HandshakeCodec.type(w) != innerType) {
            return HandshakeDrop.BAD_FRAGMENT;
        }
        whole[0] = w;
        return null;
    }

    void expire(Instant now) {
        partials.values().removeIf(p -> now.isAfter(p.expires));
    }

    int inProgress() {
        return partials.size();
    }
}
