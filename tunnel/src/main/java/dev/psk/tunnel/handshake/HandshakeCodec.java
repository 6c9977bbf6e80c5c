package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import java.nio.ByteBuffer;

/**
 * Structural validation of handshake datagrams (docs/protocol.md section 3.1), cheapest checks
 * first: length bounds, magic, version, type, role, flags, exact per-type length, reserved bytes
 * (and the WELCOME's key epoch).
 * {@link #validate} never throws and allocates nothing; it returns {@code null} for a well-formed
 * datagram or the {@link HandshakeDrop} naming the first violation. It does not check the MAC.
 *
 * <p>It also holds the encoding and decoding steps the message records share: the header and the
 * optional proof sections of WELCOME and CONFIRM.
 */
public final class HandshakeCodec {
    private HandshakeCodec() {}

    /** True when the datagram at {@code buf[pos, limit)} carries the handshake magic (not PSK2 data). */
    public static boolean isHandshake(ByteBuffer buf) {
        return buf.remaining() >= 4 && buf.getInt(buf.position()) == MAGIC;
    }

    public static int u16(byte[] m, int off) {
        return ((m[off] & 0xff) << 8) | (m[off + 1] & 0xff);
    }

    static boolean zero(byte[] m, int from, int to) {
        int acc = 0;
        for (int i = from; i < to; i++) {
            acc |= m[i];
        }
        return acc == 0;
    }

    static byte type(byte[] m) {
        return m[OFF_TYPE];
    }

    static byte role(byte[] m) {
        return m[OFF_ROLE];
    }

    static int flags(byte[] m) {
        return m[OFF_FLAGS] & 0xff;
    }

    /** Validates any handshake datagram {@code m[0, len)}. */
    public static HandshakeDrop validate(byte[] m, int len) {
        if (len < HEADER_BYTES) {
            return HandshakeDrop.TOO_SHORT;
        }
        if (len > MAX_DATAGRAM_BYTES + MAX_MESSAGE_BYTES || len > m.length) {
            return HandshakeDrop.TOO_LONG;
        }
        if (((m[0] & 0xff) << 24 | (m[1] & 0xff) << 16 | (m[2] & 0xff) << 8 | (m[3] & 0xff)) != MAGIC) {
            return HandshakeDrop.BAD_MAGIC;
        }
        if (m[OFF_VERSION] != VERSION) {
            return HandshakeDrop.BAD_VERSION;
        }
        byte role = m[OFF_ROLE];
        if (role != ROLE_INITIATOR && role != ROLE_RESPONDER) {
            return HandshakeDrop.WRONG_ROLE;
        }
        int flags = flags(m);
        if ((flags & ~FLAGS_DEFINED) != 0) {
            return HandshakeDrop.BAD_FLAGS;
        }
        return switch (m[OFF_TYPE]) {
            case TYPE_HELLO -> validateHello(m, len, role, flags);
            case TYPE_WELCOME -> validateWelcome(m, len, role, flags);
            case TYPE_CONFIRM -> validateConfirm(m, len, role, flags);
            case TYPE_REJECT -> validateReject(m, len, flags);
            case TYPE_PAD_MISMATCH -> validateNotice(m, len, role, flags);
            case TYPE_FRAGMENT -> validateFragment(m, len, role, flags);
            case TYPE_COOKIE -> validateFixed(m, len, role, flags, COOKIE_MESSAGE_BYTES);
            case TYPE_REKEY -> validateFixed(m, len, role, flags, REKEY_BYTES);
            default -> HandshakeDrop.BAD_TYPE;
        };
    }

    private static HandshakeDrop validateHello(byte[] m, int len, byte role, int flags) {
        if (role != ROLE_INITIATOR) {
            return HandshakeDrop.WRONG_ROLE;
        }
        if (len != HELLO_BYTES) {
            return HandshakeDrop.BAD_LENGTH;
        }
        if ((flags & (FLAG_SIGNATURE | FLAG_QUOTE)) != 0) {
            return HandshakeDrop.BAD_FLAGS;
        }
        if (!zero(m, HELLO_OFF_SERIAL_LEN + 1, HELLO_OFF_SERIAL)) {
            return HandshakeDrop.NONZERO_RESERVED;
        }
        return checkSerial(m, HELLO_OFF_SERIAL_LEN, HELLO_OFF_SERIAL);
    }

    private static HandshakeDrop checkSerial(byte[] m, int lenOff, int off) {
        int sl = m[lenOff] & 0xff;
        if (sl != 0 && sl != 8 && sl != 16) {
            return HandshakeDrop.BAD_SERIAL_LENGTH;
        }
        return zero(m, off + sl, off + SERIAL_ID_BYTES) ? null : HandshakeDrop.NONZERO_RESERVED;
    }

    private static HandshakeDrop validateWelcome(byte[] m, int len, byte role, int flags) {
        if (role != ROLE_RESPONDER) {
            return HandshakeDrop.WRONG_ROLE;
        }
        HandshakeDrop d = validateSections(m, len, WELCOME_CORE_BYTES, flags);
        if (d != null) {
            return d;
        }
        if ((m[WELCOME_OFF_EPOCH] & 0xff) > MAX_EPOCH || !zero(m, WELCOME_OFF_EPOCH + 1, WELCOME_OFF_SERIAL)) {
            return HandshakeDrop.NONZERO_RESERVED;
        }
        return checkSerial(m, WELCOME_OFF_SERIAL_LEN, WELCOME_OFF_SERIAL);
    }

    private static HandshakeDrop validateConfirm(byte[] m, int len, byte role, int flags) {
        if (role != ROLE_INITIATOR) {
            return HandshakeDrop.WRONG_ROLE;
        }
        if ((flags & (FLAG_WANT_SIGNATURE | FLAG_WANT_QUOTE)) != 0) { // requests: no later message answers them
            return HandshakeDrop.BAD_FLAGS;
        }
        return validateSections(m, len, CONFIRM_CORE_BYTES, flags);
    }

    /** Core, then a 64-byte signature iff FLAG_SIGNATURE, then a quote section iff FLAG_QUOTE, then the MAC. */
    private static HandshakeDrop validateSections(byte[] m, int len, int core, int flags) {
        if (len > MAX_MESSAGE_BYTES) {
            return HandshakeDrop.TOO_LONG;
        }
        int p = core;
        if ((flags & FLAG_SIGNATURE) != 0) {
            p += SIGNATURE_BYTES;
        }
        int end = len - MAC_BYTES;
        if (end < p) {
            return HandshakeDrop.BAD_LENGTH;
        }
        if ((flags & FLAG_QUOTE) != 0) {
            return QuoteSection.measure(m, p, end) < 0 ? HandshakeDrop.BAD_QUOTE_SECTION : null;
        }
        return end == p ? null : HandshakeDrop.BAD_LENGTH;
    }

    private static HandshakeDrop validateReject(byte[] m, int len, int flags) {
        if (len != REJECT_BYTES) {
            return HandshakeDrop.BAD_LENGTH;
        }
        if (flags != 0 || !zero(m, REJECT_OFF_REASON + 1, REJECT_OFF_MAC)) {
            return HandshakeDrop.NONZERO_RESERVED;
        }
        int reason = m[REJECT_OFF_REASON] & 0xff;
        return Refusal.fromCode(reason).code() == reason ? null : HandshakeDrop.BAD_REASON;
    }

    /** COOKIE and REKEY: responder only, exact length, no flags. */
    private static HandshakeDrop validateFixed(byte[] m, int len, byte role, int flags, int size) {
        if (role != ROLE_RESPONDER) {
            return HandshakeDrop.WRONG_ROLE;
        }
        if (len != size) {
            return HandshakeDrop.BAD_LENGTH;
        }
        return flags == 0 ? null : HandshakeDrop.NONZERO_RESERVED;
    }

    private static HandshakeDrop validateNotice(byte[] m, int len, byte role, int flags) {
        if (len != NOTICE_BYTES) {
            return HandshakeDrop.BAD_LENGTH;
        }
        if (role != ROLE_RESPONDER) { // only a responder sends it; one reading per datagram
            return HandshakeDrop.WRONG_ROLE;
        }
        return flags == 0 ? null : HandshakeDrop.NONZERO_RESERVED;
    }

    private static HandshakeDrop validateFragment(byte[] m, int len, byte role, int flags) {
        if (len < FRAG_OVERHEAD_BYTES + 1 || len > MAX_DATAGRAM_BYTES) {
            return HandshakeDrop.BAD_LENGTH;
        }
        if (flags != 0 || m[FRAG_OFF_COUNT + 1] != 0 || !zero(m, FRAG_OFF_CHUNK_LEN + 2, FRAG_OFF_CHUNK)) {
            return HandshakeDrop.NONZERO_RESERVED;
        }
        byte inner = m[FRAG_OFF_INNER_TYPE];
        boolean innerOk =
                (inner == TYPE_WELCOME && role == ROLE_RESPONDER) || (inner == TYPE_CONFIRM && role == ROLE_INITIATOR);
        int index = m[FRAG_OFF_INDEX] & 0xff;
        int count = m[FRAG_OFF_COUNT] & 0xff;
        int total = u16(m, FRAG_OFF_TOTAL);
        int offset = u16(m, FRAG_OFF_OFFSET);
        int chunk = u16(m, FRAG_OFF_CHUNK_LEN);
        boolean ok = innerOk
                && count >= 2
                && count <= MAX_FRAGMENTS
                && index < count
                && total > MAX_DATAGRAM_BYTES
                && total <= MAX_MESSAGE_BYTES
                && chunk >= 1
                && chunk <= MAX_CHUNK_BYTES
                && len == FRAG_OVERHEAD_BYTES + chunk
                && offset == index * MAX_CHUNK_BYTES
                && offset + chunk <= total
                && (index == count - 1 ? offset + chunk == total : chunk == MAX_CHUNK_BYTES)
                && count == (total + MAX_CHUNK_BYTES - 1) / MAX_CHUNK_BYTES;
        return ok ? null : HandshakeDrop.BAD_FRAGMENT;
    }

    /** Writes the common header; presence flags are computed by the caller. */
    static void writeHeader(ByteBuffer b, byte type, byte role, int flags, byte[] sessionId) {
        b.putInt(MAGIC).put(VERSION).put(type).put(role).put((byte) flags).put(sessionId);
    }

    /** The presence flags of the optional proof sections (either may be null): FLAG_SIGNATURE, FLAG_QUOTE. */
    static int proofFlags(byte[] signature, QuoteSection quote) {
        return (signature == null ? 0 : FLAG_SIGNATURE) | (quote == null ? 0 : FLAG_QUOTE);
    }

    /** The encoded size of the optional proof sections (either may be null). */
    static int proofBytes(byte[] signature, QuoteSection quote) {
        return (signature == null ? 0 : SIGNATURE_BYTES) + (quote == null ? 0 : quote.encodedBytes());
    }

    /** Writes the proof sections that are present, in wire order: signature, then quote. */
    static void writeProofs(ByteBuffer b, byte[] signature, QuoteSection quote) {
        if (signature != null) {
            b.put(signature);
        }
        if (quote != null) {
            quote.write(b);
        }
    }

    /**
     * The signature section right after the {@code core}-byte fixed part, or null when FLAG_SIGNATURE
     * is clear. {@code m} must have passed {@link #validate}.
     */
    static byte[] readSignature(byte[] m, int core) {
        return (flags(m) & FLAG_SIGNATURE) != 0 ? copy(m, core, SIGNATURE_BYTES) : null;
    }

    /**
     * The quote section after the {@code core}-byte fixed part and the signature if present, or null
     * when FLAG_QUOTE is clear. {@code m} must have passed {@link #validate}.
     */
    static QuoteSection readQuote(byte[] m, int core) {
        int flags = flags(m);
        if ((flags & FLAG_QUOTE) == 0) {
            return null;
        }
        return QuoteSection.read(m, core + ((flags & FLAG_SIGNATURE) != 0 ? SIGNATURE_BYTES : 0));
    }

    static byte[] copy(byte[] m, int off, int len) {
        return java.util.Arrays.copyOfRange(m, off, off + len);
    }

    /** Throws the structural violation of {@code m} (for library callers and tests). */
    static void require(byte[] m, int len, byte expectedType) throws MalformedHandshakeException {
        HandshakeDrop d = validate(m, len);
        if (d == null && m[OFF_TYPE] != expectedType) {
            d = HandshakeDrop.BAD_TYPE;
        }
        if (d != null) {
            throw new MalformedHandshakeException(
                    d,
                    "handshake message of " + len + " bytes is malformed: " + d.label() + " (expected type "
                            + expectedType + ", docs/protocol.md section 3)");
        }
    }
}
