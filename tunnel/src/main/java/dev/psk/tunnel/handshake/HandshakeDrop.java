package dev.psk.tunnel.handshake;

/**
 * Why a handshake datagram was dropped. Every drop is counted ({@link HandshakeCounters}), never
 * answered (except the documented PAD_MISMATCH notice) and never thrown.
 */
public enum HandshakeDrop {
    TOO_SHORT,
    TOO_LONG,
    BAD_MAGIC,
    BAD_VERSION,
    BAD_TYPE,
    /** A message of a type this end never accepts in its role (e.g. a reflected HELLO at an initiator). */
    WRONG_ROLE,
    BAD_LENGTH,
    BAD_FLAGS,
    NONZERO_RESERVED,
    BAD_SERIAL_LENGTH,
    BAD_QUOTE_SECTION,
    BAD_FRAGMENT,
    /** A REJECT whose reason code this version does not define. */
    BAD_REASON,
    PAD_MISMATCH,
    BAD_MAC,
    RATE_LIMITED,
    TOO_MANY_IN_FLIGHT,
    /** No handshake of ours matches session id, address and nonces: a replay or a stale message. */
    NO_MATCHING_HANDSHAKE,
    /** A retransmitted HELLO or WELCOME for a handshake already answered: answered from cache, nothing changed. */
    DUPLICATE,
    QUEUE_FULL,
    /** A HELLO without this source's valid cookie: answered with a COOKIE, no state kept. */
    COOKIE_SENT;

    /** Human-readable form for logs: lower case with spaces. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
