package dev.psk.tunnel.wire;

import dev.psk.common.pad.PadLayout;
import dev.psk.tunnel.crypto.PacketAead;
import dev.psk.tunnel.pad.SlotSchedule;
import java.time.Duration;

/**
 * Every constant of the PSK2 data protocol (docs/protocol.md section "tunnel",
 * testdata/vectors/psk2-packets.json).
 */
public final class Psk2Wire {
    private Psk2Wire() {}

    // ---- Specification constants (wire format; changing one breaks interoperability) ----

    /** "PSK2" in ASCII, read as a big-endian int. */
    public static final int MAGIC = 0x50534B32;

    public static final int VERSION = 2;
    public static final int FLAGS_NONE = 0;
    public static final int RESERVED_VALUE = 0;
    /** Direction byte: packets sent by the initiator, keyed with a slot's A->B fields. */
    public static final int DIRECTION_INITIATOR_TO_RESPONDER = 0;
    /** Direction byte: packets sent by the responder, keyed with a slot's B->A fields. */
    public static final int DIRECTION_RESPONDER_TO_INITIATOR = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_BYTES = 4;
    public static final int VERSION_OFFSET = 4;
    public static final int FLAGS_OFFSET = 5;
    public static final int DIRECTION_OFFSET = 6;
    public static final int RESERVED_OFFSET = 7;
    public static final int AUTH_TAG_OFFSET = 8;
    /** The per-direction "auth tag" cookie copied from the slot (not the Poly1305 tag). */
    public static final int AUTH_TAG_BYTES = PadLayout.TAG_BYTES;

    public static final int SEQ_OFFSET = AUTH_TAG_OFFSET + AUTH_TAG_BYTES;
    public static final int SEQ_BYTES = 8;
    /** The header, which is also the AEAD additional data. */
    public static final int HEADER_BYTES = SEQ_OFFSET + SEQ_BYTES;
    /** The Poly1305 tag appended to the ciphertext (RFC 8439 section 2.8). */
    public static final int AEAD_TAG_BYTES = 16;

    public static final int OVERHEAD_BYTES = HEADER_BYTES + AEAD_TAG_BYTES;
    /** A packet with an empty payload; anything shorter is malformed. */
    public static final int MIN_PACKET_BYTES = OVERHEAD_BYTES;

    // The slot layout is defined once, in PadLayout (shared with psk-keygen); these are aliases.
    public static final int KEY_BYTES = PadLayout.KEY_BYTES;
    public static final int NONCE_BYTES = PadLayout.NONCE_BYTES;
    /** The first 8 bytes of a slot's 12-byte nonce field; the last 4 nonce bytes carry the sequence. */
    public static final int NONCE_PREFIX_BYTES = SlotSchedule.NONCE_PREFIX_BYTES;

    public static final int SLOT_BYTES = PadLayout.SLOT_BYTES;
    /** Slot index of a sequence number = seq / PACKETS_PER_SLOT, per direction. */
    public static final int PACKETS_PER_SLOT = PadLayout.PACKETS_PER_SLOT;

    public static final int DEFAULT_PORT = 51820;

    // ---- Implementation constants (ours; not visible on the wire) ----

    /**
     * Default TUN MTU: 1500 (Ethernet) - 20 (IPv4) - 8 (UDP) - 32 (header) - 16 (Poly1305 tag) =
     * 1424, rounded down to 1420 as WireGuard does, so a full inner packet never fragments on an
     * IPv4 path with a 1500-byte MTU.
     */
    public static final int DEFAULT_MTU = 1420;

    public static final int MIN_MTU = 576;
    /** Largest IP packet a TUN device hands over (IPv4 total length field). */
    public static final int MAX_MTU = 65535 - 20 - 8 - OVERHEAD_BYTES;

    public static final int DEFAULT_REPLAY_WINDOW = 4096;
    public static final int MIN_REPLAY_WINDOW = 64;
    public static final int MAX_REPLAY_WINDOW = 1 << 16;
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(10);
    /** Socket buffer size asked for (the seed's 8 MB); the kernel may grant less (rmem_max). */
    public static final int SOCKET_BUFFER_BYTES = 8 << 20;
    /** Room of each packet buffer: a whole UDP datagram, so oversized input is seen and counted. */
    public static final int BUFFER_BYTES = PacketAead.MAX_PACKET_BYTES;

    /**
     * Restart signal (docs/protocol.md, "Restart signal"): after an unclean stop an end starts
     * sending this far beyond its TX reservation. Normal loss never opens a gap this wide (2^20
     * packets), so a receiver that accepts an authentic packet this far past its highest knows the
     * peer restarted. Costs 1,049 slots (126 KB of pad) per crash.
     */
    public static final long RESTART_SIGNAL_GAP = 1L << 20;

    /**
     * How far an end skips its own TX sequence when it sees the restart signal: beyond any RX floor
     * the restarted peer can have persisted (at most about 1.5 reservation blocks of 2^16 past the
     * highest sequence it accepted), so its first packets are not dropped below that floor.
     */
    public static final long PEER_RESTART_SKIP = 1L << 18;
}
