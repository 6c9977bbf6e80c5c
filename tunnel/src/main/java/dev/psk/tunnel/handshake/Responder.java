package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import dev.psk.common.PskException;
import dev.psk.tunnel.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The responder's state machine (docs/protocol.md 3.5). Per (source address, session id) a half-open
 * handshake lives from a valid HELLO (WELCOME sent) until CONFIRM, REJECT or
 * {@link HandshakeWire#PENDING_LIFETIME}; only a CONFIRM that MACs this handshake's fresh nonce_r
 * completes it, so a replayed HELLO, WELCOME or CONFIRM never binds an address or resets anything.
 *
 * <p>Cost order for every datagram: length, magic, version, type, role, flags (no crypto) → pad
 * fingerprint (a compare) → HMAC → rate limit per source address and the in-flight bound → pin and
 * allowlist lookups → only then signing (WELCOME) or signature and quote verification (CONFIRM).
 *
 * <p>Not thread-safe: driven by one thread (the handshake worker).
 */
public final class Responder {
    private record Key(InetSocketAddress from, long session) {}

    private static final class Pending {
        byte[] nonceI;
        byte[] nonceR;
        byte[] identityI;
        List<byte[]> welcome;
        Instant expires;
        Instant nextRetransmit;
        int retransmits;
    }

    private final HandshakeConfig cfg;
    private final HandshakeTransport transport;
    private final HandshakeEvents events;
    private final HandshakeCounters counters;
    private final HandshakeMac mac;
    private final PeerCheck check;
    private final RateLimiter<InetAddress> limiter;
    /** Separate from {@link #limiter}: unauthenticated input (a wrong pad) must not fill the handshake table. */
    private final RateLimiter<InetAddress> noticeLimiter;

    private final Reassembler reassembler = new Reassembler();
    private final Map<Key, Pending> pending = new HashMap<>();
    private final byte[] ourFp;

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
        this.ourFp = cfg.keys().padFingerprint();
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
            counters.padMismatch();
            byte[] theirs = HandshakeCodec.copy(m, HELLO_OFF_PAD_FP, PAD_FINGERPRINT_BYTES);
            if (noticeLimiter.allow(from.getAddress())) {
                events.padMismatch(from, theirs, ourFp.clone());
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
        if (!mac.verify(m, len, ROLE_INITIATOR)) {
            return HandshakeDrop.BAD_MAC;
        }
        Instant now = cfg.clock().instant();
        Key key = new Key(from, session(m));
        Pending p = pending.get(key);
        if (p != null) {
            if (!Arrays.equals(m, HELLO_OFF_NONCE_I, HELLO_OFF_NONCE_I + NONCE_BYTES, p.nonceI, 0, NONCE_BYTES)) {
                return HandshakeDrop.NO_MATCHING_HANDSHAKE;
            }
            for (byte[] w : p.welcome) {
                transport.send(from, w);
            }
            return HandshakeDrop.DUPLICATE;
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
        byte[] nonceR = new byte[NONCE_BYTES];
        Refusal r = check.identity(h.identityId(), h.serialId());
        byte[] ourId = cfg.identity().identityId();
        byte[] signature = null;
        QuoteSection quote = null;
        if (r == null) {
            cfg.random().nextBytes(nonceR);
            byte[] tResponder =
                    Transcript.encode(ROLE_RESPONDER, h.sessionId(), h.nonceI(), nonceR, h.identityId(), ourId, ourFp);
            try {
                if (cfg.identity().canSign()
                        && (cfg.mode().requiresSignature() || (h.wants() & FLAG_WANT_SIGNATURE) != 0)) {
                    signature = cfg.identity().sign(tResponder);
                }
                if ((h.wants() & FLAG_WANT_QUOTE) != 0 && cfg.quoteSource() != null) {
                    quote = cfg.quoteSource().quote(Transcript.quoteNonce(tResponder, ourId));
                }
            } catch (PskException e) {
                r = signature == null && cfg.identity().canSign() ? Refusal.CANNOT_SIGN : Refusal.CANNOT_QUOTE;
            }
        }
        if (r != null) {
            counters.refused(r);
            transport.send(
                    from,
                    new RejectMessage(ROLE_RESPONDER, h.sessionId(), h.nonceI(), new byte[NONCE_BYTES], r).encode(mac));
            events.refusedPeer(from, h.identityId(), r);
            return null;
        }
        p = new Pending();
        p.nonceI = h.nonceI();
        p.nonceR = nonceR;
        p.identityI = h.identityId();
        p.welcome = Fragmenter.split(
                new WelcomeMessage(
                                cfg.wants(),
                                h.sessionId(),
                                h.nonceI(),
                                nonceR,
                                ourId,
                                ourFp,
                                cfg.identity().serialId(),
                                signature,
                                quote)
                        .encode(mac),
                mac);
        p.expires = now.plus(PENDING_LIFETIME);
        p.nextRetransmit = now.plus(WELCOME_RETRANSMIT);
        pending.put(key, p);
        for (byte[] w : p.welcome) {
            transport.send(from, w);
        }
        return null;
    }

    private HandshakeDrop onFragment(InetSocketAddress from, byte[] m, int len) {
        if (!pending.containsKey(new Key(from, session(m)))) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!mac.verify(m, len, ROLE_INITIATOR)) {
            return HandshakeDrop.BAD_MAC;
        }
        byte[] whole = reassembler.add(from, m, len, cfg.clock().instant());
        if (whole == null) {
            return null;
        }
        HandshakeDrop d = HandshakeCodec.validate(whole, whole.length);
        if (d != null) {
            return d;
        }
        return HandshakeCodec.type(whole) == TYPE_CONFIRM
                ? onConfirm(from, whole, whole.length)
                : HandshakeDrop.BAD_FRAGMENT;
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
        byte[] tInitiator = Transcript.encode(
                ROLE_INITIATOR,
                c.sessionId(),
                p.nonceI,
                p.nonceR,
                p.identityI,
                cfg.identity().identityId(),
                ourFp);
        String[] why = new String[1];
        Refusal r = check.signature(p.identityI, tInitiator, c.signature());
        if (r == null) {
            r = check.quote(p.identityI, tInitiator, c.quote(), why);
        }
        if (r != null) {
            counters.refused(r);
            transport.send(from, new RejectMessage(ROLE_RESPONDER, c.sessionId(), p.nonceI, p.nonceR, r).encode(mac));
            events.refusedPeer(from, p.identityI, r);
            return null;
        }
        counters.onCompleted();
        events.established(from, p.identityI.clone(), check.peerName(p.identityI));
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
        events.refusedByPeer(from, Refusal.fromCode(m[REJECT_OFF_REASON] & 0xff));
        return null;
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
                for (byte[] w : p.welcome) {
                    transport.send(e.getKey().from(), w);
                }
            }
        }
    }

    private void expire(Instant now) {
        pending.values().removeIf(p -> now.isAfter(p.expires));
    }

    /** The configured clock as nanoseconds, so that tests that move the clock move the budgets too. */
    private static java.util.function.LongSupplier nanoClock(HandshakeConfig cfg) {
        return () -> {
            Instant i = cfg.clock().instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
    }
}
