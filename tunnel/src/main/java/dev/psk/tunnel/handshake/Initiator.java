package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeWire.*;

import dev.psk.common.PskException;
import dev.psk.common.SecretBytes;
import dev.psk.tunnel.crypto.LowOrderPointException;
import dev.psk.tunnel.crypto.X25519;
import dev.psk.tunnel.crypto.X25519PrivateKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The initiator's state machine (docs/protocol.md 3.5):
 *
 * <pre>
 *   IDLE --start--> WAIT_WELCOME --valid WELCOME, peer acceptable--> ESTABLISHED (CONFIRM sent, session secret out)
 *                        |  |--COOKIE--> WAIT_WELCOME (HELLO repeated with the cookie)
 *                        |  \--valid WELCOME, peer refused--> FAILED (REJECT sent)
 *                        |--authenticated REJECT--> FAILED
 *                        '--retries exhausted--> FAILED (reason: no answer / peer uses a different pad)
 *   ESTABLISHED: a retransmitted WELCOME of this session is answered with the cached CONFIRM (at most
 *                once per CACHED_ANSWER_INTERVAL); an authenticated REJECT of this session ends it.
 * </pre>
 *
 * Each handshake uses a fresh ephemeral X25519 key, wiped once the session secret is derived or the
 * handshake is abandoned. HELLO is retransmitted unchanged with exponential back-off, at most
 * {@link HandshakeWire#INITIATOR_MAX_ATTEMPTS} times. A WELCOME is accepted only from the address the
 * HELLO went to, with this session id and nonce_i, this pad's fingerprint and a valid MAC, in that order.
 *
 * <p>Not thread-safe: driven by one thread (the handshake worker).
 */
public final class Initiator {
    public enum State {
        IDLE,
        WAIT_WELCOME,
        ESTABLISHED,
        FAILED
    }

    private static final int MAX_COOKIE_ROUNDS = 3;

    private final HandshakeConfig cfg;
    private final HandshakeTransport transport;
    private final HandshakeEvents events;
    private final HandshakeCounters counters;
    private final HandshakeMac mac;
    private final PeerCheck check;
    private final Reassembler reassembler = new Reassembler();
    private final byte[] ourFp;

    private InetSocketAddress remote;
    private State state = State.IDLE;
    private byte[] sessionId;
    private byte[] nonceI;
    private X25519PrivateKey ephemeral;
    private byte[] ephemeralPublic;
    private byte[] hello;
    private byte[] nonceR;
    private List<byte[]> confirm = List.of();
    private Instant lastConfirmResend = Instant.MIN;
    private int attempts;
    private int cookieRounds;
    private Instant nextRetry;
    private String lastHint;
    private byte[] peerIdentity;
    private byte[] cookie = new byte[COOKIE_BYTES];
    private InetSocketAddress cookieFor;
    private Instant lastStart = Instant.MIN;

    public Initiator(
            HandshakeConfig cfg, HandshakeTransport transport, HandshakeEvents events, HandshakeCounters counters) {
        this.cfg = cfg;
        this.transport = transport;
        this.events = events;
        this.counters = counters;
        this.mac = new HandshakeMac(cfg.keys());
        this.check = new PeerCheck(cfg);
        this.ourFp = cfg.keys().padFingerprint();
    }

    public State state() {
        return state;
    }

    public byte[] peerIdentity() {
        return peerIdentity == null ? null : peerIdentity.clone();
    }

    /** When the last handshake was started (for the REKEY rate limit). */
    public Instant lastStart() {
        return lastStart;
    }

    /** Starts a fresh handshake towards {@code to}; any previous one is abandoned (its ephemeral key wiped). */
    public void start(InetSocketAddress to) {
        wipeEphemeral();
        if (!to.equals(cookieFor)) {
            cookie = new byte[COOKIE_BYTES];
            cookieFor = to;
        }
        remote = to;
        sessionId = random(SESSION_ID_BYTES);
        nonceI = random(NONCE_BYTES);
        ephemeral = X25519.generatePrivateKey();
        ephemeralPublic = X25519.publicKey(ephemeral).bytes();
        nonceR = null;
        peerIdentity = null;
        confirm = List.of();
        lastHint = null;
        cookieRounds = 0;
        hello = encodeHello();
        state = State.WAIT_WELCOME;
        attempts = 1;
        lastStart = cfg.clock().instant();
        nextRetry = lastStart.plus(RETRY_INITIAL);
        transport.send(remote, hello);
    }

    private byte[] encodeHello() {
        return new HelloMessage(
                        cfg.wants(),
                        sessionId,
                        nonceI,
                        cfg.identity().identityId(),
                        ourFp,
                        cfg.identity().serialId(),
                        ephemeralPublic,
                        cookie)
                .encode(mac);
    }

    /** Retransmits or gives up; call at least every {@link HandshakeWire#RETRY_INITIAL}. */
    public void tick() {
        if (state != State.WAIT_WELCOME) {
            return;
        }
        Instant now = cfg.clock().instant();
        if (now.isBefore(nextRetry)) {
            return;
        }
        if (attempts >= INITIATOR_MAX_ATTEMPTS) {
            state = State.FAILED;
            wipeEphemeral();
            events.failed(
                    lastHint != null
                            ? lastHint
                            : "no valid WELCOME from " + HandshakeService.addr(remote) + " after " + attempts
                                    + " HELLOs");
            return;
        }
        attempts++;
        Duration backoff = RETRY_INITIAL.multipliedBy(1L << Math.min(attempts - 1, 10));
        nextRetry = now.plus(backoff.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : backoff);
        transport.send(remote, hello);
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
        byte type = HandshakeCodec.type(m);
        if (HandshakeCodec.role(m) != ROLE_RESPONDER) {
            return HandshakeDrop.WRONG_ROLE;
        }
        if (type == TYPE_REKEY) {
            return onRekey(from, m, len);
        }
        if (state == State.IDLE
                || state == State.FAILED
                || !from.equals(remote)
                || !Arrays.equals(m, OFF_SESSION, OFF_SESSION + SESSION_ID_BYTES, sessionId, 0, SESSION_ID_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        return switch (type) {
            case TYPE_WELCOME -> onWelcome(from, m, len);
            case TYPE_FRAGMENT -> onFragment(from, m, len);
            case TYPE_REJECT -> onReject(from, m, len);
            case TYPE_PAD_MISMATCH -> onNotice(from, m);
            case TYPE_COOKIE -> onCookie(m, len);
            default -> HandshakeDrop.WRONG_ROLE;
        };
    }

    private HandshakeDrop onRekey(InetSocketAddress from, byte[] m, int len) {
        if (remote == null || !from.getAddress().equals(remote.getAddress())) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!mac.verify(m, len, ROLE_RESPONDER)) {
            return HandshakeDrop.BAD_MAC;
        }
        if (state == State.WAIT_WELCOME || cfg.clock().instant().isBefore(lastStart.plus(REKEY_MIN_INTERVAL))) {
            return HandshakeDrop.DUPLICATE;
        }
        events.rekeyRequested(from);
        return null;
    }

    private HandshakeDrop onCookie(byte[] m, int len) {
        if (state != State.WAIT_WELCOME
                || !Arrays.equals(m, COOKIE_OFF_NONCE_I, COOKIE_OFF_NONCE_I + NONCE_BYTES, nonceI, 0, NONCE_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!mac.verify(m, len, ROLE_RESPONDER)) {
            return HandshakeDrop.BAD_MAC;
        }
        if (cookieRounds >= MAX_COOKIE_ROUNDS) {
            return HandshakeDrop.DUPLICATE;
        }
        cookieRounds++;
        cookie = HandshakeCodec.copy(m, COOKIE_OFF_COOKIE, COOKIE_BYTES);
        cookieFor = remote;
        hello = encodeHello();
        transport.send(remote, hello);
        return null;
    }

    private HandshakeDrop onFragment(InetSocketAddress from, byte[] m, int len) {
        byte[][] whole = new byte[1][];
        HandshakeDrop d = reassembler.intake(
                from, m, len, mac, ROLE_RESPONDER, TYPE_WELCOME, cfg.clock().instant(), whole);
        if (d != null || whole[0] == null) {
            return d;
        }
        return onWelcome(from, whole[0], whole[0].length);
    }

    private HandshakeDrop onWelcome(InetSocketAddress from, byte[] m, int len) {
        if (!Arrays.equals(m, WELCOME_OFF_NONCE_I, WELCOME_OFF_NONCE_I + NONCE_BYTES, nonceI, 0, NONCE_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!Arrays.equals(
                m, WELCOME_OFF_PAD_FP, WELCOME_OFF_PAD_FP + PAD_FINGERPRINT_BYTES, ourFp, 0, PAD_FINGERPRINT_BYTES)) {
            counters.padMismatch();
            events.padMismatch(from, HandshakeCodec.copy(m, WELCOME_OFF_PAD_FP, PAD_FINGERPRINT_BYTES), ourFp.clone());
            return HandshakeDrop.PAD_MISMATCH;
        }
        if (!mac.verify(m, len, ROLE_RESPONDER)) {
            return HandshakeDrop.BAD_MAC;
        }
        if (state == State.ESTABLISHED) {
            if (!Arrays.equals(m, WELCOME_OFF_NONCE_R, WELCOME_OFF_NONCE_R + NONCE_BYTES, nonceR, 0, NONCE_BYTES)) {
                return HandshakeDrop.NO_MATCHING_HANDSHAKE;
            }
            Instant now = cfg.clock().instant();
            if (now.isBefore(lastConfirmResend.plus(CACHED_ANSWER_INTERVAL))) {
                return HandshakeDrop.RATE_LIMITED;
            }
            lastConfirmResend = now;
            transport.sendAll(remote, confirm);
            return HandshakeDrop.DUPLICATE;
        }
        WelcomeMessage w;
        try {
            w = WelcomeMessage.decode(m, len);
        } catch (MalformedHandshakeException e) {
            return e.reason();
        }
        byte[] ourId = cfg.identity().identityId();
        Transcript t = new Transcript(
                sessionId,
                nonceI,
                w.nonceR(),
                ephemeralPublic,
                w.ephemeral(),
                ourId,
                w.identityId(),
                ourFp,
                cfg.identity().serialId(),
                w.serialId(),
                hello[OFF_FLAGS] & 0xff,
                w.flagsByte(),
                w.epoch());
        byte[] tResponder = t.encode(ROLE_RESPONDER);
        String[] quoteWhy = new String[1];
        Refusal r = check.identity(w.identityId(), w.serialId());
        if (r == null) {
            r = check.signature(w.identityId(), tResponder, w.signature());
        }
        if (r == null) {
            r = check.quote(w.identityId(), tResponder, w.quote(), quoteWhy);
        }
        byte[] tInitiator = t.encode(ROLE_INITIATOR);
        byte[] signature = null;
        QuoteSection quote = null;
        if (r == null) {
            try {
                if (cfg.identity().canSign()
                        && (cfg.mode().requiresSignature() || (w.wants() & FLAG_WANT_SIGNATURE) != 0)) {
                    signature = cfg.identity().sign(tInitiator);
                }
            } catch (PskException e) {
                lastHint = "cannot sign the transcript: " + e.getMessage();
                r = Refusal.CANNOT_SIGN;
            }
        }
        if (r == null && (w.wants() & FLAG_WANT_QUOTE) != 0 && cfg.quoteSource() != null) {
            try {
                quote = cfg.quoteSource().quote(Transcript.quoteNonce(tInitiator, ourId));
            } catch (PskException e) {
                lastHint = "cannot quote: " + e.getMessage();
                r = Refusal.CANNOT_QUOTE;
            }
        }
        SecretBytes secret = null;
        if (r == null) {
            try {
                secret = cfg.keys().sessionSecret(ephemeral, w.ephemeral(), t);
            } catch (LowOrderPointException e) {
                r = Refusal.OTHER;
                lastHint = "the peer's ephemeral key is a low-order point";
            }
        }
        wipeEphemeral();
        if (r != null) {
            state = State.FAILED;
            counters.refused(r);
            transport.send(from, new RejectMessage(ROLE_INITIATOR, sessionId, nonceI, w.nonceR(), r).encode(mac));
            events.refusedPeer(from, w.identityId(), r);
            if (quoteWhy[0] != null) {
                lastHint = quoteWhy[0];
            }
            return null;
        }
        nonceR = w.nonceR();
        confirm = Fragmenter.split(new ConfirmMessage(sessionId, nonceI, nonceR, signature, quote).encode(mac), mac);
        transport.sendAll(from, confirm);
        state = State.ESTABLISHED;
        peerIdentity = w.identityId();
        // Not counted as completed yet: the responder may still refuse the CONFIRM (its checks of our
        // signature and quote come after); the service counts it when the first packet under the key arrives.
        events.established(from, w.identityId(), check.peerName(w.identityId()), w.epoch(), secret);
        return null;
    }

    private HandshakeDrop onReject(InetSocketAddress from, byte[] m, int len) {
        if (!Arrays.equals(m, REJECT_OFF_NONCE_I, REJECT_OFF_NONCE_I + NONCE_BYTES, nonceI, 0, NONCE_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        if (!mac.verify(m, len, ROLE_RESPONDER)) {
            return HandshakeDrop.BAD_MAC;
        }
        Refusal r = Refusal.fromCode(m[REJECT_OFF_REASON] & 0xff);
        state = State.FAILED;
        counters.onRefusedByPeer();
        wipeEphemeral();
        events.refusedByPeer(from, r);
        return null;
    }

    /** Unauthenticated by necessity: logged and remembered as the failure hint, no state change. */
    private HandshakeDrop onNotice(InetSocketAddress from, byte[] m) {
        if (state != State.WAIT_WELCOME
                || !Arrays.equals(m, NOTICE_OFF_NONCE_I, NOTICE_OFF_NONCE_I + NONCE_BYTES, nonceI, 0, NONCE_BYTES)) {
            return HandshakeDrop.NO_MATCHING_HANDSHAKE;
        }
        counters.padMismatch();
        byte[] theirs = HandshakeCodec.copy(m, NOTICE_OFF_PAD_FP, PAD_FINGERPRINT_BYTES);
        lastHint = "peer uses a different pad (peer pad " + dev.psk.common.Hex.encode(theirs) + ", ours "
                + dev.psk.common.Hex.encode(ourFp) + ")";
        events.padMismatch(from, theirs, ourFp.clone());
        return null;
    }

    /** Why the last attempt failed, when known (for the CLI's exit message). */
    public String failureHint() {
        return lastHint;
    }

    /** The ephemeral private key of the handshake in progress (tests check that it is wiped). */
    X25519PrivateKey ephemeralForTesting() {
        return ephemeral;
    }

    /** Wipes the ephemeral private key of the handshake in progress, if any. */
    public void wipeEphemeral() {
        if (ephemeral != null) {
            ephemeral.close();
            ephemeral = null;
        }
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        cfg.random().nextBytes(b);
        return b;
    }
}
