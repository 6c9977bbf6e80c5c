package dev.psk.tunnel;

/**
 * Why a datagram or packet was dropped. Every drop is counted under exactly one reason, never
 * answered and never logged per packet. The order of the receive-path reasons is the order of the
 * checks (docs/protocol.md, "Receive order").
 */
public enum DropReason {
    /** Shorter than the 48-byte minimum, or longer than the buffer. */
    SIZE("size"),
    MAGIC("magic"),
    VERSION("version"),
    FLAGS("flags"),
    RESERVED("reserved"),
    /** The direction byte is not the peer's sending direction (a reflected or own packet). */
    DIRECTION("direction"),
    /** The source address is not a known peer's endpoint. */
    UNKNOWN_PEER("unknown_peer"),
    /** A non-PSK2 datagram and no control handler to take it. */
    CONTROL_UNHANDLED("control_unhandled"),
    /** Data arrived or was ready to send while the handshake gate was closed. */
    GATED("gated"),
    /** The sequence's slot lies beyond the pad's data slots. */
    SLOT_BEYOND_PAD("slot_beyond_pad"),
    /** The slot was already erased (consumed key material) or reads as erased. */
    SLOT_ERASED("slot_erased"),
    /** The sequence is below the floor persisted before the last restart. */
    BELOW_RESTART_FLOOR("below_restart_floor"),
    /**
     * The sequence lies more than 2048 slots beyond the replay window while the peer is being heard:
     * dropped before any pad read (docs/protocol.md, "Receive order").
     */
    FAR_AHEAD("far_ahead"),
    /** The header auth tag does not match the slot's (constant-time comparison). */
    AUTH_TAG("auth_tag"),
    /** Sequence already accepted, or older than the replay window. */
    REPLAY("replay"),
    /** Poly1305 verification failed. */
    AEAD("aead"),
    /** The RX floor could not be made durable in time. */
    STATE_NOT_DURABLE("state_not_durable"),
    /** Writing the plaintext to the TUN device failed. */
    TUN_WRITE("tun_write"),
    /** Sending to the UDP socket failed or the kernel buffer was full. */
    UDP_SEND("udp_send"),
    /** An outgoing packet larger than the MTU, or an unusable TUN read (e.g. an offload frame that cannot be cut up). */
    TX_SIZE("tx_size"),
    /** No peer owns the outgoing packet's destination (hub routing). */
    NO_ROUTE("no_route"),
    /** The pad holds no further slot for this direction: sending has stopped. */
    PAD_EXHAUSTED("pad_exhausted"),
    /**
     * Not an error: an authentic, fresh packet with an empty payload (a keepalive, e.g. the restart
     * signal of docs/protocol.md). It moved the replay window; there is nothing to write to TUN.
     */
    KEEPALIVE("keepalive"),
    /** Hub mode: the inner source address is not in the sending client's AllowedIPs. */
    ALLOWED_IPS("allowed_ips"),
    /**
     * No confirmed session to send with yet: a hub peer without an endpoint or keypair (it has not
     * completed a handshake since this end started), or a handshake mode's key not yet installed.
     */
    NO_SESSION("no_session"),
    /** Hub mode: the transport keypair is dead (revoked, rekeyed away, past its time or message limit). */
    KEY_EXPIRED("key_expired"),
    /** Hub mode: the plaintext is not a well-formed IPv4/IPv6 packet. */
    INNER_MALFORMED("inner_malformed");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /**
     * The one name of this reason, lower case: the stats line, the status file ({@code psk-tunnel
     * show}) and the metrics' {@code reason} label all print this and nothing else.
     */
    public String label() {
        return label;
    }
}
