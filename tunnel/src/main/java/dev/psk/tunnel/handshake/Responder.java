package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import dev.psk.common.PskException;
import dev.psk.common.SecretBytes;
import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import dev.psk.tunnel.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The responder's state machine (docs/protocol.md 3.5). Per (source address, session id) a half-open
 * handshake lives from a valid HELLO that carries this source's cookie (WELCOME sent) until CONFIRM,
 * REJECT or {@link HandshakeWire#PENDING_LIFETIME}; only a CONFIRM that MACs this handshake's fresh
 * nonce_r completes it, so a replayed HELLO, WELCOME or CONFIRM never binds an address or resets
 * anything.
 *
 * <p>Cost order for every datagram: length, magic, version, type, role, flags (no crypto) → pad
 * fingerprint (a compare) → HMAC → return-routability cookie (one HMAC; a HELLO without a valid one
 * gets a COOKIE, smaller than the HELLO, and leaves no state) → rate limit per source address and the
 * in-flight bound → pin and allowlist lookups → only then the ephemeral key and signing (WELCOME) or
 * signature and quote verification (CONFIRM).
 *
 * <p>Not thread-safe: driven by one thread (the handshake worker).
 */
public final class Responder {
    private record Key(InetSocketAddress from, long session) {}

    private static final class Pending {
        byte[] nonceI;
        byte[] nonceR;
        byte[] identityI;
        Transcript transcript;
        X25519PrivateKey ephemeral;
        List<byte[]> welcome;
        Instant expires;
        Instant nextRetransmit;
        Instant lastCachedAnswer = Instant.MIN;
        int retransmits;

        void wipe() {
            if (ephemeral != null) {
                ephemeral.close();
                ephemeral = null;
            }
        }
    }

    private static final int RECENT_SESSIONS = 256;

    private final HandshakeConfig cfg;
    private final HandshakeTransport transport;
    private final HandshakeEvents events;
    private final HandshakeCounters counters;
    private final HandshakeMac mac;
    private final PeerCheck check;
    private final RateLimiter<InetAddress> limiter;
    /** Separate from {@link #limiter}: unauthenticated input (a wrong pad) must not fill the handshake table. */
    private final RateLimiter<InetAddress> noticeLimiter;
    /** One global bucket: pad-mismatch log lines are capped whatever the number of sources. */
    private final RateLimiter<Boolean> mismatchLog;

    private final CookieJar cookies;
    private final Reassembler reassembler = new Reassembler();
    private final Map<Key, Pending> pending = new HashMap<>();
    /** Sessions recently completed or refused: a replayed HELLO of one of them creates nothing. */
    private final Map<Long, Boolean> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > RECENT_SESSIONS;
        }
    };

    private final byte[] ourFp;
    private IntSupplier nextEpoch = () -> 0;

    public Responder(
            HandshakeConfig cfg, HandshakeTransport transport, HandshakeEvents events, HandshakeCounters counters) {
        this(
                cfg,
                transport,
                events,
                counters,
                new RateLimiter<>(RATE_PER_SECOND, RATE_BURST, RATE_TABLE_MAX, nanoClock(cfg)));
    }

    public Responder(
            HandshakeConfig cfg,
            HandshakeTransport transport,
            HandshakeEvents events,
            HandshakeCounters counters,
            RateLimiter<InetAddress> limiter) {
        this.cfg = cfg;
        this.transport = transport;
        this.events = events;
        this.counters = counters;
        this.mac = new HandshakeMac(cfg.keys());
        this.check = new PeerCheck(cfg);
        this.limiter = limiter;
        this.noticeLimiter = new RateLimiter<>(1, 2, 1024, nanoClock(cfg));
        this.mismatchLog = new RateLimiter<>(MISMATCH_LOG_PER_SECOND, MISMATCH_LOG_BURST, 1, nanoClock(cfg));
        this.cookies = new CookieJar(cfg.random(), cfg.clock().instant());
        this.ourFp = cfg.keys().padFingerprint();
    }

    /** Where the key epoch of each new session comes from (the keyring: an epoch no live key uses). */
    public void epochSource(IntSupplier source) {
        this.nextEpoch = source;
    }

    /** Half-open handshakes currently held. */
    public int inFlight() {
        return pending.size();
    }

    /** Handles one datagram {@code m[0, len)} from {@code from}; returns null when it was used, else the drop reason. */
    public HandshakeDrop receive(InetSocketAddress from, byte[] m, int len) {
        HandshakeDrop d = receive0(from, m, len);
        if (d != null) {
            counters.drop(d);
        }
        return d;
    }

    private HandshakeDrop receive0(InetSocketAddress from, byte[] m, int len) {
        HandshakeDrop d = HandshakeCodec.validate(m, len);
        if (d != null) {
            return d;
        }
        if (HandshakeCodec.role(m) != ROLE_INITIATOR) {
            return HandshakeDrop.WRONG_ROLE;
        }
        return switch (HandshakeCodec.type(m)) {
            case TYPE_HELLO -> onHello(from, m, len);
            case TYPE_CONFIRM -> onConfirm(from, m, len);
            case TYPE_FRAGMENT -> onFragment(from, m, len);
            case TYPE_REJECT -> onReject(from, m, len);
            default -> HandshakeDrop.WRONG_ROLE;
        };
    }

    private static long session(byte[] m) {
        return ByteBuffer.wrap(m, OFF_SESSION, SESSION_ID_BYTES).getLong();
    }

    private HandshakeDrop onHello(InetSocketAddress from, byte[] m, int len) {
        if (!Arrays.equals(
                m, HELLO_OFF_PAD_FP, HELLO_OFF_PAD_FP + PAD_FINGERPRINT_BYTES, ourFp, 0, PAD_FINGERPRINT_BYTES)) {
            return onForeignPad(from, m);
        }
        if (!mac.verify(m, len, ROLE_INITIATOR)) {
            return HandshakeDrop.BAD_MAC;
        }
        Instant now = cfg.clock().instant();
        if (!cookies.valid(m, HELLO_OFF_COOKIE, from, now)) {
            transport.send(
                    from,
                    new CookieMessage(
                                    HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                                    HandshakeCodec.copy(m, HELLO_OFF_NONCE_I, NONCE_BYTES),
                                    cookies.cookieFor(from, now))
                            .encode(mac));
            return HandshakeDrop.COOKIE_SENT;
        }
        Key key = new Key(from, session(m));
        Pending p = pending.get(key);
        if (p != null) {
            if (!Arrays.equals(m, HELLO_OFF_NONCE_I, HELLO_OFF_NONCE_I + NONCE_BYTES, p.nonceI, 0, NONCE_BYTES)) {
                return HandshakeDrop.NO_MATCHING_HANDSHAKE;
            }
            if (now.isBefore(p.lastCachedAnswer.plus(CACHED_ANSWER_INTERVAL))) {
                return HandshakeDrop.RATE_LIMITED;
            }
            p.lastCachedAnswer = now;
            transport.sendAll(from, p.welcome);
            return HandshakeDrop.DUPLICATE;
        }
        if (recent.containsKey(key.session())) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!limiter.allow(from.getAddress())) {
            return HandshakeDrop.RATE_LIMITED;
        }
        expire(now);
        if (pending.size() >= MAX_HANDSHAKES_IN_FLIGHT) {
            return HandshakeDrop.TOO_MANY_IN_FLIGHT;
        }
        HelloMessage h;
        try {
            h = HelloMessage.decode(m, len);
        } catch (MalformedHandshakeException e) {
            return e.reason();
        }
        Refusal r = check.identity(h.identityId(), h.serialId());
        if (r != null) {
            return refuseHello(from, h, r);
        }
        byte[] nonceR = new byte[NONCE_BYTES];
        cfg.random().nextBytes(nonceR);
        byte[] ourId = cfg.identity().identityId();
        boolean sign =
                cfg.identity().canSign() && (cfg.mode().requiresSignature() || (h.wants() & FLAG_WANT_SIGNATURE) != 0);
        boolean quoted = (h.wants() & FLAG_WANT_QUOTE) != 0 && cfg.quoteSource() != null;
        int epoch = nextEpoch.getAsInt() & MAX_EPOCH;
        X25519PrivateKey eph = X25519.generatePrivateKey();
        byte[] ephPublic = X25519.publicKey(eph).bytes();
        int welcomeFlags = cfg.wants() | (sign ? FLAG_SIGNATURE : 0) | (quoted ? FLAG_QUOTE : 0);
        Transcript t = new Transcript(
                h.sessionId(),
                h.nonceI(),
                nonceR,
                h.ephemeral(),
                ephPublic,
                h.identityId(),
                ourId,
                ourFp,
                h.serialId(),
                cfg.identity().serialId(),
                h.wants(),
                welcomeFlags,
                epoch);
        byte[] tResponder = t.encode(ROLE_RESPONDER);
        byte[] signature = null;
        QuoteSection quote = null;
        try {
            if (sign) {
                signature = cfg.identity().sign(tResponder);
            }
            if (quoted) {
                quote = cfg.quoteSource().quote(Transcript.quoteNonce(tResponder, ourId));
            }
        } catch (PskException e) {
            eph.close();
            return refuseHello(from, h, sign && signature == null ? Refusal.CANNOT_SIGN : Refusal.CANNOT_QUOTE);
        }
        p = new Pending();
        p.nonceI = h.nonceI();
        p.nonceR = nonceR;
        p.identityI = h.identityId();
        p.transcript = t;
        p.ephemeral = eph;
        p.welcome = Fragmenter.split(
                new WelcomeMessage(
                                cfg.wants(),
                                h.sessionId(),
                                h.nonceI(),
                                nonceR,
                                ourId,
                                ourFp,
                                cfg.identity().serialId(),
                                epoch,
                                ephPublic,
                                signature,
                                quote)
                        .encode(mac),
                mac);
        p.expires = now.plus(PENDING_LIFETIME);
        p.nextRetransmit = now.plus(WELCOME_RETRANSMIT);
        p.lastCachedAnswer = now;
        pending.put(key, p);
        transport.sendAll(from, p.welcome);
        return null;
    }

    private HandshakeDrop refuseHello(InetSocketAddress from, HelloMessage h, Refusal r) {
        counters.refused(r);
        recent.put(ByteBuffer.wrap(h.sessionId()).getLong(), Boolean.TRUE);
        transport.send(
                from,
                new RejectMessage(ROLE_RESPONDER, h.sessionId(), h.nonceI(), new byte[NONCE_BYTES], r).encode(mac));
        events.refusedPeer(from, h.identityId(), r);
        return null;
    }

    /** A HELLO naming another pad: counted always; logged and answered only within the global and per-source caps. */
    private HandshakeDrop onForeignPad(InetSocketAddress from, byte[] m) {
        counters.padMismatch();
        if (noticeLimiter.allow(from.getAddress())) {
            byte[] theirs = HandshakeCodec.copy(m, HELLO_OFF_PAD_FP, PAD_FINGERPRINT_BYTES);
            if (mismatchLog.allow(Boolean.TRUE)) {
                events.padMismatch(from, theirs, ourFp.clone());
            }
            transport.send(
                    from,
                    new PadMismatchNotice(
                                    HandshakeCodec.copy(m, OFF_SESSION, SESSION_ID_BYTES),
                                    HandshakeCodec.copy(m, HELLO_OFF_NONCE_I, NONCE_BYTES),
                                    ourFp)
                            .encode());
        }
        return HandshakeDrop.PAD_MISMATCH;
    }

    private HandshakeDrop onFragment(InetSocketAddress from, byte[] m, int len) {
        if (!pending.containsKey(new Key(from, session(m)))) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        byte[][] whole = new byte[1][];
        HandshakeDrop d = reassembler.intake(
                from, m, len, mac, ROLE_INITIATOR, TYPE_CONFIRM, cfg.clock().instant(), whole);
        if (d != null || whole[0] == null) {
            return d;
        }
        return onConfirm(from, whole[0], whole[0].length);
    }

    private HandshakeDrop onConfirm(InetSocketAddress from, byte[] m, int len) {
        Key key = new Key(from, session(m));
        Pending p = pending.get(key);
        if (p == null
                || !Arrays.equals(m, CONFIRM_OFF_NONCE_I, CONFIRM_OFF_NONCE_I + NONCE_BYTES, p.nonceI, 0, NONCE_BYTES)
                || !Arrays.equals(
                        m, CONFIRM_OFF_NONCE_R, CONFIRM_OFF_NONCE_R + NONCE_BYTES, p.nonceR, 0, NONCE_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!mac.verify(m, len, ROLE_INITIATOR)) {
            return HandshakeDrop.BAD_MAC;
        }
        ConfirmMessage c;
        try {
            c = ConfirmMessage.decode(m, len);
        } catch (MalformedHandshakeException e) {
            return e.reason();
        }
        pending.remove(key);
        recent.put(key.session(), Boolean.TRUE);
        byte[] tInitiator = p.transcript.encode(ROLE_INITIATOR);
        String[] why = new String[1];
        // The pins may have changed since the HELLO (reload): check the identity again.
        Refusal r = check.identity(p.identityI, p.transcript.serialI());
        if (r == null) {
            r = check.signature(p.identityI, tInitiator, c.signature());
        }
        if (r == null) {
            r = check.quote(p.identityI, tInitiator, c.quote(), why);
        }
        SecretBytes secret = null;
        if (r == null) {
            try {
                secret = cfg.keys().sessionSecret(p.ephemeral, p.transcript.ephemeralI(), p.transcript);
            } catch (LowOrderPointException e) {
                r = Refusal.OTHER;
            }
        }
        p.wipe();
        if (r != null) {
            counters.refused(r);
            transport.send(from, new RejectMessage(ROLE_RESPONDER, c.sessionId(), p.nonceI, p.nonceR, r).encode(mac));
            events.refusedPeer(from, p.identityI, r);
            return null;
        }
        counters.onCompleted();
        events.established(from, p.identityI.clone(), check.peerName(p.identityI), p.transcript.epoch(), secret);
        return null;
    }

    private HandshakeDrop onReject(InetSocketAddress from, byte[] m, int len) {
        Key key = new Key(from, session(m));
        Pending p = pending.get(key);
        if (p == null
                || !Arrays.equals(m, REJECT_OFF_NONCE_I, REJECT_OFF_NONCE_I + NONCE_BYTES, p.nonceI, 0, NONCE_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!mac.verify(m, len, ROLE_INITIATOR)) {
            return HandshakeDrop.BAD_MAC;
        }
        pending.remove(key);
        p.wipe();
        counters.onRefusedByPeer();
        events.refusedByPeer(from, Refusal.fromCode(m[REJECT_OFF_REASON] & 0xff));
        return null;
    }

    /** Sends a REKEY request to {@code to}: the initiator is asked to start a handshake. */
    public void requestRekey(InetSocketAddress to, byte[] sessionId) {
        byte[] nonce = new byte[NONCE_BYTES];
        cfg.random().nextBytes(nonce);
        transport.send(to, new RekeyRequest(sessionId, nonce).encode(mac));
    }

    /** Retransmits WELCOMEs still awaiting CONFIRM (bounded) and expires stale half-open handshakes. */
    public void tick() {
        Instant now = cfg.clock().instant();
        expire(now);
        reassembler.expire(now);
        for (Map.Entry<Key, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (!now.isBefore(p.nextRetransmit) && p.retransmits < WELCOME_MAX_RETRANSMITS) {
                p.retransmits++;
                p.nextRetransmit = now.plus(WELCOME_RETRANSMIT);
                transport.sendAll(e.getKey().from(), p.welcome);
            }
        }
    }

    /** The ephemeral private keys of the half-open handshakes (tests check that they are wiped). */
    java.util.List<X25519PrivateKey> pendingEphemeralsForTesting() {
        return pending.values().stream().map(p -> p.ephemeral).toList();
    }

    /** Wipes every half-open handshake's ephemeral key (shutdown). */
    public void wipe() {
        pending.values().forEach(Pending::wipe);
        pending.clear();
    }

    private void expire(Instant now) {
        pending.values().removeIf(p -> {
            if (now.isAfter(p.expires)) {
                p.wipe();
                return true;
            }
            return false;
        });
    }

    /** The configured clock as nanoseconds, so that tests that move the clock move the budgets too. */
    static java.util.function.LongSupplier nanoClock(HandshakeConfig cfg) {
        return () -> {
            Instant i = cfg.clock().instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
    }
}
