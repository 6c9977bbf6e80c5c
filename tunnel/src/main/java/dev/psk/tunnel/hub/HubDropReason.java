package dev.psk.tunnel.hub;

/**
 * Why the hub or a client dropped a datagram or refused a handshake. Every drop bumps exactly one
 * counter; none is answered (a cookie reply is the one exception and is counted as
 * {@link #COOKIE_SENT}). Handshake reasons feed the "handshakes by result and reason" metric.
 */
public enum HubDropReason {
    TOO_SHORT(false),
    TOO_LONG(false),
    BAD_TYPE(false),
    BAD_MAC1(true),
    COOKIE_SENT(true),
    RATE_LIMITED_SOURCE(true),
    RATE_LIMITED_KEY(true),
    HANDSHAKE_QUEUE_FULL(true),
    UNKNOWN_KEY(true),
    DISABLED_KEY(true),
    REPLAYED_INITIATION(true),
    IDENTITY_REFUSED(true),
    HANDSHAKE_FAILED(true),
    TOO_MANY_SESSIONS(true),
    BAD_COOKIE_REPLY(false),
    UNEXPECTED_RESPONSE(false),
    UNKNOWN_RECEIVER(false),
    REPLAYED_COUNTER(false),
    DECRYPT_FAILED(false),
    SESSION_EXPIRED(false),
    MALFORMED_INNER(false),
    ALLOWED_IPS(false),
    NO_ROUTE(false),
    NO_SESSION(false),
    QUEUE_FULL(false),
    SEND_FAILED(false);

    private final boolean handshake;

    HubDropReason(boolean handshake) {
        this.handshake = handshake;
    }

    /** True for reasons that refuse a message 1 (counted as a failed handshake). */
    public boolean isHandshake() {
        return handshake;
    }

    /** Metric label: lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
