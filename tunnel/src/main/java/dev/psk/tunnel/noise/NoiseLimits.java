package dev.psk.tunnel.noise;

import java.time.Duration;

/**
 * Limits and timers of the hub's Noise transport, after WireGuard's whitepaper section 6.1 and
 * wireguard-go's {@code constants.go}. Counters are unsigned 64-bit values: compare with
 * {@link Long#compareUnsigned}.
 */
public final class NoiseLimits {
    private NoiseLimits() {}

    // ---- Specification constants (WireGuard whitepaper section 6.1) ----

    /** A session sends this many messages, then the initiator starts a new handshake. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** Window size of the transport replay filter in packets (a multiple of 64). */
    public static final int REPLAY_WINDOW_SIZE = 8192;
    /** Hard limit: 2^64 - 2^13 - 1; a counter at or past it is never sent or accepted. */
    public static final long REJECT_AFTER_MESSAGES = -1L - REPLAY_WINDOW_SIZE;
    /** A session older than this is renewed by its initiator on next send. */
    public static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);
    /** A session older than this is dead in both directions. */
    public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    /** An initiator gives up retrying a handshake after this long. */
    public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
    /** An unanswered initiation is retransmitted after this long (plus jitter). */
    public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    /** Upper bound of the random jitter added to each retransmission. */
    public static final Duration REKEY_TIMEOUT_JITTER = Duration.ofMillis(333);
    /** A side that received data and sent none for this long sends an empty keepalive. */
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
    /** A cookie secret lives this long; cookies made from it stop verifying after that. */
    public static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);
    /** Accepted initiations per client key and per second (message 1 floods of a known key). */
    public static final int INITIATIONS_PER_SECOND = 50;
    /** Burst of initiations a rate-limit bucket holds. */
    public static final int INITIATIONS_BURST = 5;

    // ---- Implementation constants ----

    /** Initiations waiting for a handshake worker; beyond this they are dropped (counted). */
    public static final int MAX_QUEUED_HANDSHAKES = 1024;
    /** Queue depth from which the server is "under load" and asks for mac2 (WireGuard: 1/8 of the queue). */
    public static final int UNDER_LOAD_QUEUE_DEPTH = MAX_QUEUED_HANDSHAKES / 8;
    /** How long the server stays under load after the queue drained. */
    public static final Duration UNDER_LOAD_AFTER = Duration.ofSeconds(1);
    /** Buckets a rate limiter keeps; when full, new sources are refused (fail closed). */
    public static final int MAX_RATE_LIMITER_ENTRIES = 1 << 16;
    /** Sessions (receiver indexes) the hub holds at once. */
    public static final int MAX_SESSIONS = 1 << 16;
    /** Outbound packets queued per client before drops. */
    public static final int MAX_QUEUED_PACKETS = 1024;
    /** How often the hub sweeps sessions, rate limiters and the config file. */
    public static final Duration TIMER_TICK = Duration.ofMillis(100);
}
