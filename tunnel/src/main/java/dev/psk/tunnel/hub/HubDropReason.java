package dev.psk.tunnel.hub;

import dev.psk.tunnel.DropReason;

/**
 * Why the hub or a client dropped a datagram or refused a handshake. Every drop bumps exactly one
 * counter; none is answered (a cookie reply is the one exception and is counted as
 * {@link #COOKIE_SENT}). Handshake reasons feed the "handshakes by result and reason" metric. The
 * data plane runs on the shared {@link dev.psk.tunnel.device.Device}, which counts its drops as
 * {@link DropReason}s; {@link HubCounters} folds those into these names for the hub's metrics.
 */
public enum HubDropReason {
    TOO_SHORT(false, DropReason.SIZE),
    TOO_LONG(false),
    BAD_TYPE(false, DropReason.MAGIC),
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
    /** A restart hint that is forged, malformed, or names a handshake already acted on (client). */
    BAD_RESTART_HINT(false),
    UNKNOWN_RECEIVER(false, DropReason.UNKNOWN_PEER),
    REPLAYED_COUNTER(false, DropReason.REPLAY),
    DECRYPT_FAILED(false, DropReason.AEAD),
    SESSION_EXPIRED(false, DropReason.KEY_EXPIRED),
    MALFORMED_INNER(false, DropReason.INNER_MALFORMED, DropReason.TX_SIZE),
    ALLOWED_IPS(false, DropReason.ALLOWED_IPS),
    NO_ROUTE(false, DropReason.NO_ROUTE),
    NO_SESSION(false, DropReason.NO_SESSION),
    QUEUE_FULL(false),
    SEND_FAILED(false, DropReason.UDP_SEND, DropReason.TUN_WRITE);

    private final boolean handshake;
    private final DropReason[] dataPath;

    /** @param dataPath the shared device's drop reasons this one also counts (the data plane's share) */
    HubDropReason(boolean handshake, DropReason... dataPath) {
        this.handshake = handshake;
        this.dataPath = dataPath;
    }

    /** The device drop reasons folded into this one (transport messages and TUN packets). */
    DropReason[] dataPath() {
        return dataPath;
    }

    /** True for reasons that refuse a message 1 (counted as a failed handshake). */
    public boolean isHandshake() {
        return handshake;
    }

    /**
     * The name in logs and metrics. A drop the device also counts under a {@link DropReason} (or one of
     * the same kind: a control datagram of the wrong size or type) takes that reason's label, so one
     * kind of drop has one name in {@code show}, the stats line and the metrics; handshake outcomes
     * and control-plane drops without a device counterpart keep their own lower-case names.
     */
    public String label() {
        return switch (this) {
            case TOO_SHORT, TOO_LONG -> DropReason.SIZE.label();
            case BAD_TYPE -> DropReason.MAGIC.label();
            default -> dataPath.length > 0 ? dataPath[0].label() : name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
