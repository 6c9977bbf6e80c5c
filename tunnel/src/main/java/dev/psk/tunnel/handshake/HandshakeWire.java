package dev.psk.tunnel.handshake;

import java.time.Duration;

/**
 * Every wire constant of the HELLO / WELCOME / CONFIRM handshake (docs/protocol.md section 3).
 *
 * <p>All handshake datagrams start with the 16-byte common header; the magic {@code "PSKH"} tells
 * them apart from PSK2 data packets (magic {@code "PSK2"}) before anything else is read. Integers are
 * big-endian. Offsets are absolute from the start of the datagram.
 */
public final class HandshakeWire {
    private HandshakeWire() {}

    // ---- Specification constants ----

    /** "PSKH" big-endian. */
    public static final int MAGIC = 0x50534B48;

    /** 2: ephemeral X25519 keys, cookies and session-bound data keys (version 1 bound no keys). */
    public static final byte VERSION = 2;

    public static final byte TYPE_HELLO = 1;
    public static final byte TYPE_WELCOME = 2;
    public static final byte TYPE_CONFIRM = 3;
    public static final byte TYPE_REJECT = 4;
    public static final byte TYPE_PAD_MISMATCH = 5;
    public static final byte TYPE_FRAGMENT = 6;
    /** Responder to initiator: prove that you receive at your address (stateless return-routability cookie). */
    public static final byte TYPE_COOKIE = 7;
    /** Responder to initiator: please start a handshake now (rekey, re-attestation, lost session). */
    public static final byte TYPE_REKEY = 8;

    public static final byte ROLE_INITIATOR = 0;
    public static final byte ROLE_RESPONDER = 1;

    /** Flag bits in header byte 7. */
    public static final int FLAG_SIGNATURE = 0x01;

    public static final int FLAG_QUOTE = 0x02;
    public static final int FLAG_WANT_SIGNATURE = 0x04;
    public static final int FLAG_WANT_QUOTE = 0x08;
    public static final int FLAGS_DEFINED = 0x0F;

    public static final int NONCE_BYTES = 32;
    public static final int SESSION_ID_BYTES = 8;
    public static final int IDENTITY_ID_BYTES = 8;
    public static final int PAD_FINGERPRINT_BYTES = 16;
    public static final int SERIAL_ID_BYTES = 16;
    public static final int MAC_BYTES = 32;
    /** X25519 ephemeral public key. */
    public static final int EPHEMERAL_BYTES = 32;

    public static final int COOKIE_BYTES = 16;
    /** ECDSA P-256 signature in IEEE P1363 form r || s. */
    public static final int SIGNATURE_BYTES = 64;

    public static final int KEY_BYTES = 32;

    // Common header.
    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 4;
    public static final int OFF_TYPE = 5;
    public static final int OFF_ROLE = 6;
    public static final int OFF_FLAGS = 7;
    public static final int OFF_SESSION = 8;
    public static final int HEADER_BYTES = 16;

    // HELLO (fixed size).
    public static final int HELLO_OFF_NONCE_I = 16;
    public static final int HELLO_OFF_IDENTITY = 48;
    public static final int HELLO_OFF_PAD_FP = 56;
    public static final int HELLO_OFF_SERIAL_LEN = 72;
    public static final int HELLO_OFF_SERIAL = 80;
    public static final int HELLO_OFF_EPHEMERAL = 96;
    public static final int HELLO_OFF_COOKIE = 128;
    public static final int HELLO_OFF_MAC = 144;
    public static final int HELLO_BYTES = 176;

    // WELCOME (fixed core, optional signature and quote sections, MAC last).
    public static final int WELCOME_OFF_NONCE_I = 16;
    public static final int WELCOME_OFF_NONCE_R = 48;
    public static final int WELCOME_OFF_IDENTITY = 80;
    public static final int WELCOME_OFF_PAD_FP = 88;
    public static final int WELCOME_OFF_SERIAL_LEN = 104;
    /** Key epoch (0..3) the responder assigns to the session; bytes 106..111 are reserved. */
    public static final int WELCOME_OFF_EPOCH = 105;

    public static final int WELCOME_OFF_SERIAL = 112;
    public static final int WELCOME_OFF_EPHEMERAL = 128;
    public static final int WELCOME_CORE_BYTES = 160;
    public static final int MAX_EPOCH = 3;
    public static final int WELCOME_MIN_BYTES = WELCOME_CORE_BYTES + MAC_BYTES;

    // CONFIRM (fixed core, optional signature and quote sections, MAC last).
    public static final int CONFIRM_OFF_NONCE_I = 16;
    public static final int CONFIRM_OFF_NONCE_R = 48;
    public static final int CONFIRM_CORE_BYTES = 80;
    public static final int CONFIRM_MIN_BYTES = CONFIRM_CORE_BYTES + MAC_BYTES;

    // REJECT (fixed size, authenticated).
    public static final int REJECT_OFF_NONCE_I = 16;
    public static final int REJECT_OFF_NONCE_R = 48;
    public static final int REJECT_OFF_REASON = 80;
    public static final int REJECT_OFF_MAC = 88;
    public static final int REJECT_BYTES = 120;

    // PAD_MISMATCH notice (fixed size, unauthenticated by necessity: the pads differ).
    public static final int NOTICE_OFF_NONCE_I = 16;
    public static final int NOTICE_OFF_PAD_FP = 48;
    public static final int NOTICE_BYTES = 64;

    // COOKIE (fixed size, MACed under key_r2i; never larger than the HELLO it answers).
    public static final int COOKIE_OFF_NONCE_I = 16;
    public static final int COOKIE_OFF_COOKIE = 48;
    public static final int COOKIE_OFF_MAC = 64;
    public static final int COOKIE_MESSAGE_BYTES = 96;

    // REKEY request (fixed size, MACed under key_r2i).
    public static final int REKEY_OFF_NONCE = 16;
    public static final int REKEY_OFF_MAC = 48;
    public static final int REKEY_BYTES = 80;

    // Quote section: u16 attest length, u16 signature length, u16 PCR values length, then the three.
    public static final int QUOTE_HEADER_BYTES = 6;
    public static final int QUOTE_ATTEST_MAX_BYTES = 1024;
    public static final int QUOTE_SIGNATURE_MAX_BYTES = 1024;
    /** 24 PCRs of SHA-256 and 24 of SHA-512 would need 2304; two full banks of SHA-256 fit. */
    public static final int QUOTE_PCRS_MAX_BYTES = 1536;

    // FRAGMENT: a slice of a WELCOME or CONFIRM too large for one datagram, each slice MACed.
    public static final int FRAG_OFF_INNER_TYPE = 16;
    public static final int FRAG_OFF_INDEX = 17;
    public static final int FRAG_OFF_COUNT = 18;
    public static final int FRAG_OFF_TOTAL = 20;
    public static final int FRAG_OFF_OFFSET = 22;
    public static final int FRAG_OFF_CHUNK_LEN = 24;
    public static final int FRAG_OFF_CHUNK = 32;
    public static final int FRAG_OVERHEAD_BYTES = FRAG_OFF_CHUNK + MAC_BYTES;

    /** Refusal reasons carried in REJECT (byte at {@link #REJECT_OFF_REASON}). */
    public static final int MAX_REASON_CODE = 15;

    // Key derivation (RFC 5869 HKDF-SHA256 over the control slot).
    public static final String HKDF_SALT = "psk-tunnel/v1 handshake";
    public static final String INFO_KEY_I2R = "psk-tunnel/v1 hello key initiator->responder";
    public static final String INFO_KEY_R2I = "psk-tunnel/v1 hello key responder->initiator";
    /** HKDF-Expand label of the session PSK mixed into every session secret. */
    public static final String INFO_SESSION_PSK = "psk-tunnel/v2 session psk";
    /** HKDF-Expand label of the session secret (followed by the transcript hash). */
    public static final String INFO_SESSION_SECRET = "psk-tunnel/v2 session secret";
    /** HMAC input prefix of the return-routability cookie. */
    public static final String COOKIE_CONTEXT = "psk-tunnel/v2 cookie";
    /** Fixed prefix of the signed transcript (ASCII, no terminator; its length is fixed). */
    public static final String TRANSCRIPT_CONTEXT = "psk-tunnel/v2 handshake transcript";

    /** Bytes after the signer role: what the session secret hashes. */
    public static final int TRANSCRIPT_BODY_BYTES = SESSION_ID_BYTES
            + 2 * NONCE_BYTES
            + 2 * EPHEMERAL_BYTES
            + 2 * IDENTITY_ID_BYTES
            + PAD_FINGERPRINT_BYTES
            + 2 * (1 + SERIAL_ID_BYTES)
            + 3;

    public static final int TRANSCRIPT_BYTES = TRANSCRIPT_CONTEXT.length() + 1 + 1 + TRANSCRIPT_BODY_BYTES;

    // ---- Implementation constants ----

    /** Largest handshake datagram we send; larger messages are fragmented (IPv6 minimum MTU 1280 minus headers). */
    public static final int MAX_DATAGRAM_BYTES = 1200;

    public static final int MAX_CHUNK_BYTES = MAX_DATAGRAM_BYTES - FRAG_OVERHEAD_BYTES;
    /** Largest reassembled message; bounds reassembly memory. */
    public static final int MAX_MESSAGE_BYTES = WELCOME_CORE_BYTES
            + SIGNATURE_BYTES
            + QUOTE_HEADER_BYTES
            + QUOTE_ATTEST_MAX_BYTES
            + QUOTE_SIGNATURE_MAX_BYTES
            + QUOTE_PCRS_MAX_BYTES
            + MAC_BYTES;

    public static final int MAX_FRAGMENTS = (MAX_MESSAGE_BYTES + MAX_CHUNK_BYTES - 1) / MAX_CHUNK_BYTES;

    public static final Duration RETRY_INITIAL = Duration.ofMillis(500);
    public static final Duration RETRY_MAX = Duration.ofSeconds(4);
    public static final int INITIATOR_MAX_ATTEMPTS = 6;
    /** A responder's half-open handshake (WELCOME sent, no CONFIRM) lives this long. */
    public static final Duration PENDING_LIFETIME = Duration.ofSeconds(10);

    public static final Duration WELCOME_RETRANSMIT = Duration.ofSeconds(1);
    public static final int WELCOME_MAX_RETRANSMITS = 3;
    public static final int MAX_HANDSHAKES_IN_FLIGHT = 64;
    /** Per source address: sustained handshakes per second and burst. */
    public static final int RATE_PER_SECOND = 5;

    public static final int RATE_BURST = 10;
    public static final int RATE_TABLE_MAX = 4096;
    public static final int MAX_REASSEMBLIES = 16;

    /** A new handshake this often (WireGuard's REKEY_AFTER_TIME); --rekey-interval changes it for tests. */
    public static final Duration REKEY_AFTER = Duration.ofSeconds(120);
    /** Keys older than 1.5 x the rekey interval are wiped and data stops (WireGuard's REJECT_AFTER_TIME). */
    public static final int REJECT_AFTER_PERCENT = 150;
    /** How long a superseded key is still accepted for packets in flight. */
    public static final Duration KEY_GRACE = Duration.ofSeconds(10);
    /** The initiator honours REKEY requests at most this often. */
    public static final Duration REKEY_MIN_INTERVAL = Duration.ofSeconds(2);
    /** The responder's cookie secret is replaced this often; the previous one is still accepted. */
    public static final Duration COOKIE_ROTATION = Duration.ofSeconds(120);
    /** A handshake answered from cache (duplicate HELLO, WELCOME) is answered at most this often. */
    public static final Duration CACHED_ANSWER_INTERVAL = Duration.ofSeconds(1);
    /** Global cap on pad-mismatch log lines (per second, burst). */
    public static final int MISMATCH_LOG_PER_SECOND = 1;

    public static final int MISMATCH_LOG_BURST = 3;
    public static final Duration REASSEMBLY_LIFETIME = Duration.ofSeconds(5);
}
