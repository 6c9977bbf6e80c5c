package dev.psk.tunnel.handshake;

import static dev.psk.tunnel.handshake.HandshakeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Initiator and responder over an in-memory network: success paths, replay, reflection, refusals. */
class HandshakeStateMachineTest {
    static final InetSocketAddress A = new InetSocketAddress("10.9.0.1", 5000);
    static final InetSocketAddress B = new InetSocketAddress("10.9.0.2", 6000);
    static final InetSocketAddress EVIL = new InetSocketAddress("10.9.0.66", 7000);

    final ManualClock clock = new ManualClock();
    final Network net = new Network();
    final HandshakeCounters ci = new HandshakeCounters();
    final HandshakeCounters cr = new HandshakeCounters();
    final Recorder ei = new Recorder();
    final Recorder er = new Recorder();
    Initiator init;
    Responder resp;

    void build(HandshakeConfig ic, HandshakeConfig rc) {
        init = new Initiator(ic, net.endpoint(A), ei, ci);
        resp = new Responder(rc, net.endpoint(B), er, cr);
    }

    void pump() {
        for (int i = 0; i < 100 && !net.queue.isEmpty(); i++) {
            Datagram d = net.queue.poll();
            if (d.to().equals(B)) {
                resp.receive(d.from(), d.bytes(), d.bytes().length);
            } else if (d.to().equals(A)) {
                init.receive(d.from(), d.bytes(), d.bytes().length);
            }
        }
    }

    /** Starts a handshake and runs the cookie round trip; the HELLO carrying the cookie is queued. */
    void startWithCookie() {
        init.start(B);
        Datagram hello = net.queue.poll();
        assertThat(resp.receive(A, hello.bytes(), hello.bytes().length)).isEqualTo(HandshakeDrop.COOKIE_SENT);
        Datagram cookie = net.queue.poll();
        assertThat(cookie.bytes()).hasSize(HandshakeWire.COOKIE_MESSAGE_BYTES);
        assertThat(init.receive(B, cookie.bytes(), cookie.bytes().length)).isNull();
    }

    void psk(int slotI, int slotR) {
        build(
                config(
                        HandshakeMode.PSK,
                        controlSlot(slotI),
                        LocalIdentity.none(new byte[0]),
                        PeerTrust.any(),
                        null,
                        null,
                        clock),
                config(
                        HandshakeMode.PSK,
                        controlSlot(slotR),
                        LocalIdentity.none(new byte[0]),
                        PeerTrust.any(),
                        null,
                        null,
                        clock));
    }

    SoftIdentity idI;
    SoftIdentity idR;

    void signed(boolean pinInitiator, boolean enabled) throws Exception {
        idI = new SoftIdentity();
        idR = new SoftIdentity();
        Pins pr = new Pins();
        if (pinInitiator) {
            pr.pin(idI.id, idI.pair.getPublic(), enabled, "laptop");
        }
        Pins pi = new Pins().pin(idR.id, idR.pair.getPublic(), true, "pi5");
        build(
                config(HandshakeMode.SIGNED, controlSlot(1), idI, pi, null, null, clock),
                config(HandshakeMode.SIGNED, controlSlot(1), idR, pr, null, null, clock));
    }

    @Test
    void pskHandshakeCompletesAfterOneCookieRoundAndBindsTheInitiatorAddress() {
        psk(1, 1);
        init.start(B);
        pump();
        assertThat(init.state()).isEqualTo(Initiator.State.ESTABLISHED);
        assertThat(er.boundTo).isEqualTo(A);
        assertThat(ei.boundTo).isEqualTo(B);
        assertThat(net.log)
                .extracting(d -> d.bytes()[HandshakeWire.OFF_TYPE])
                .containsExactly(
                        HandshakeWire.TYPE_HELLO,
                        HandshakeWire.TYPE_COOKIE,
                        HandshakeWire.TYPE_HELLO,
                        HandshakeWire.TYPE_WELCOME,
                        HandshakeWire.TYPE_CONFIRM);
        assertThat(resp.inFlight()).isZero();
        assertThat(cr.completed()).isEqualTo(1);
        // Both ends hold the same session secret; a rekey reuses the cookie: three messages.
        assertThat(ei.sessionSecret).hasSize(32).isEqualTo(er.sessionSecret);
        assertThat(ei.epoch).isEqualTo(er.epoch).isZero();
        byte[] first = ei.sessionSecret;
        net.log.clear();
        init.start(B);
        pump();
        assertThat(net.log)
                .extracting(d -> d.bytes()[HandshakeWire.OFF_TYPE])
                .containsExactly(HandshakeWire.TYPE_HELLO, HandshakeWire.TYPE_WELCOME, HandshakeWire.TYPE_CONFIRM);
        assertThat(ei.sessionSecret).isEqualTo(er.sessionSecret).isNotEqualTo(first);
    }

    @Test
    void ephemeralPrivateKeysAreZeroedOnceTheSecretIsDerivedOrTheHandshakeIsAbandoned() {
        psk(1, 1);
        startWithCookie();
        byte[] initiatorKey = init.ephemeralForTesting().secret().reveal();
        Datagram hello = net.queue.poll();
        resp.receive(A, hello.bytes(), hello.bytes().length);
        assertThat(resp.pendingEphemeralsForTesting()).hasSize(1);
        byte[] responderKey = resp.pendingEphemeralsForTesting().get(0).secret().reveal();
        assertThat(initiatorKey).isNotEqualTo(new byte[32]);
        assertThat(responderKey).isNotEqualTo(new byte[32]);
        pump();
        assertThat(init.state()).isEqualTo(Initiator.State.ESTABLISHED);
        assertThat(initiatorKey).as("initiator's ephemeral after CONFIRM").isEqualTo(new byte[32]);
        assertThat(responderKey).as("responder's ephemeral after CONFIRM").isEqualTo(new byte[32]);
        assertThat(init.ephemeralForTesting()).isNull();
        assertThat(resp.pendingEphemeralsForTesting()).isEmpty();

        init.start(B);
        byte[] abandoned = init.ephemeralForTesting().secret().reveal();
        init.start(B);
        assertThat(abandoned).as("ephemeral of an abandoned handshake").isEqualTo(new byte[32]);
        assertThat(init.ephemeralForTesting().secret().reveal()).isNotEqualTo(new byte[32]);
    }

    @Test
    void simultaneousRekeyTimersGiveOneHandshake() {
        psk(1, 1);
        init.start(B);
        pump();
        assertThat(init.state()).isEqualTo(Initiator.State.ESTABLISHED);
        clock.advance(java.time.Duration.ofSeconds(120));
        byte[] rekey;
        try (HandshakeKeys k = HandshakeKeys.fromControlSlot(controlSlot(1))) {
            rekey = new RekeyRequest(new byte[8], new byte[32]).encode(new HandshakeMac(k));
        }
        // Both timers fire: the initiator's HELLO is in flight when the responder's REKEY arrives.
        init.start(B);
        assertThat(init.receive(B, rekey, rekey.length)).isEqualTo(HandshakeDrop.DUPLICATE);
        pump();
        assertThat(init.state()).isEqualTo(Initiator.State.ESTABLISHED);
        // The REKEY arrives just after that handshake completed: still one handshake.
        clock.advance(java.time.Duration.ofMillis(1500));
        assertThat(init.receive(B, rekey, rekey.length)).isEqualTo(HandshakeDrop.DUPLICATE);
        // Later it is honoured (the service then starts a handshake).
        clock.advance(java.time.Duration.ofMillis(600));
        assertThat(init.receive(B, rekey, rekey.length)).isNull();
        assertThat(cr.completed()).isEqualTo(2);
    }

    @Test
    void signedHandshakeVerifiesBothPinnedKeys() throws Exception {
        signed(true, true);
        init.start(B);
        pump();
        assertThat(init.state()).isEqualTo(Initiator.State.ESTABLISHED);
        assertThat(er.boundIdentity).isEqualTo(idI.id);
        assertThat(ei.boundIdentity).isEqualTo(idR.id);
        assertThat(net.ofType(HandshakeWire.TYPE_WELCOME).getFirst().bytes())
                .hasSize(HandshakeWire.WELCOME_MIN_BYTES + 64);
    }

    @Test
    void replayedHelloFromAnotherAddressNeverBinds() throws Exception {
        signed(true, true);
        init.start(B);
        pump();
        byte[] hello = net.ofType(HandshakeWire.TYPE_HELLO).getFirst().bytes();
        byte[] welcome = net.ofType(HandshakeWire.TYPE_WELCOME).getFirst().bytes();
        byte[] confirm = net.ofType(HandshakeWire.TYPE_CONFIRM).getFirst().bytes();
        long done = cr.completed();
        // Attacker replays HELLO from EVIL: it gets only a COOKIE (smaller), no state, no signature.
        int signaturesBefore = idR.signatures;
        assertThat(resp.receive(EVIL, hello, hello.length)).isEqualTo(HandshakeDrop.COOKIE_SENT);
        assertThat(net.log.getLast().bytes().length).isLessThan(hello.length);
        assertThat(resp.inFlight()).isZero();
        assertThat(idR.signatures).isEqualTo(signaturesBefore);
        // The HELLO that carried A's cookie, replayed from A itself, matches a finished session.
        byte[] helloWithCookie = net.ofType(HandshakeWire.TYPE_HELLO).get(1).bytes();
        assertThat(resp.receive(A, helloWithCookie, helloWithCookie.length))
                .isEqualTo(HandshakeDrop.NO_MATCHING_HANDSHAKE);
        assertThat(resp.receive(EVIL, confirm, confirm.length)).isEqualTo(HandshakeDrop.NO_MATCHING_HANDSHAKE);
        // The replayed CONFIRM from the real address matches no live handshake either.
        assertThat(resp.receive(A, confirm, confirm.length)).isEqualTo(HandshakeDrop.NO_MATCHING_HANDSHAKE);
        // A WELCOME replayed at the initiator from elsewhere changes nothing.
        assertThat(init.receive(EVIL, welcome, welcome.length)).isEqualTo(HandshakeDrop.NO_MATCHING_HANDSHAKE);
        assertThat(er.boundTo).isEqualTo(A);
        assertThat(er.establishedCount).isEqualTo(1);
        assertThat(ei.establishedCount).isEqualTo(1);
        assertThat(cr.completed()).isEqualTo(done);
        assertThat(resp.inFlight()).isZero();
    }

    @Test
    void reflectedMessagesAreDroppedByRole() {
        psk(1, 1);
        startWithCookie();
        byte[] hello = net.queue.poll().bytes();
        assertThat(init.receive(B, hello, hello.length)).isEqualTo(HandshakeDrop.WRONG_ROLE);
        assertThat(resp.receive(A, hello, hello.length)).isNull();
        byte[] welcome = net.queue.poll().bytes();
        assertThat(resp.receive(A, welcome, welcome.length)).isEqualTo(HandshakeDrop.WRONG_ROLE);
        // Forging the role byte breaks the MAC: the keys differ per direction.
        byte[] forged = hello.clone();
        forged[HandshakeWire.OFF_ROLE] = HandshakeWire.ROLE_RESPONDER;
        forged[HandshakeWire.OFF_TYPE] = HandshakeWire.TYPE_HELLO;
        assertThat(init.receive(B, forged, forged.length)).isIn(HandshakeDrop.WRONG_ROLE, HandshakeDrop.BAD_MAC);
        assertThat(ei.establishedCount).isZero();
    }

    @Test
    void duplicateHelloIsAnsweredFromCacheWithoutNewStateAtMostOncePerSecond() {
        psk(1, 1);
        startWithCookie();
        Datagram hello = net.queue.poll();
        resp.receive(A, hello.bytes(), hello.bytes().length);
        byte[] w1 = net.queue.poll().bytes();
        assertThat(resp.receive(A, hello.bytes(), hello.bytes().length)).isEqualTo(HandshakeDrop.RATE_LIMITED);
        assertThat(net.queue).isEmpty();
        clock.advance(HandshakeWire.CACHED_ANSWER_INTERVAL);
        assertThat(resp.receive(A, hello.bytes(), hello.bytes().length)).isEqualTo(HandshakeDrop.DUPLICATE);
        byte[] w2 = net.queue.poll().bytes();
        assertThat(w2).isEqualTo(w1);
        assertThat(resp.inFlight()).isEqualTo(1);
    }

    @Test
    void lostConfirmIsRecoveredByWelcomeRetransmit() {
        psk(1, 1);
        startWithCookie();
        resp.receive(A, net.queue.peek().bytes(), net.queue.poll().bytes().length);
        Datagram w = net.queue.poll();
        init.receive(B, w.bytes(), w.bytes().length);
        net.queue.clear(); // CONFIRM lost
        assertThat(er.establishedCount).isZero();
        clock.advance(HandshakeWire.WELCOME_RETRANSMIT);
        resp.tick();
        pump();
        assertThat(er.boundTo).isEqualTo(A);
        assertThat(ei.establishedCount).isEqualTo(1);
    }

    @Test
    void differentPadIsNamedOnBothSides() {
        psk(1, 2);
        init.start(B);
        pump();
        assertThat(er.lines).contains("peer uses a different pad");
        assertThat(ei.lines).contains("peer uses a different pad");
        assertThat(cr.drops(HandshakeDrop.PAD_MISMATCH)).isEqualTo(1);
        for (int i = 0; i < HandshakeWire.INITIATOR_MAX_ATTEMPTS; i++) {
            clock.advance(HandshakeWire.RETRY_MAX);
            init.tick();
            pump();
        }
        assertThat(init.state()).isEqualTo(Initiator.State.FAILED);
        assertThat(init.failureHint()).startsWith("peer uses a different pad");
        assertThat(ei.lines.getLast()).startsWith("failed: peer uses a different pad");
    }

    @Test
    void wrongMacIsDroppedSilently() {
        psk(1, 1);
        init.start(B);
        byte[] hello = net.queue.poll().bytes();
        hello[HandshakeWire.HELLO_OFF_NONCE_I] ^= 1;
        assertThat(resp.receive(A, hello, hello.length)).isEqualTo(HandshakeDrop.BAD_MAC);
        assertThat(net.queue).isEmpty();
        assertThat(resp.inFlight()).isZero();
        assertThat(cr.drops(HandshakeDrop.BAD_MAC)).isEqualTo(1);
    }

    @Test
    void unknownIdentityIsRefusedWithReasonOnBothSides() throws Exception {
        signed(false, true);
        init.start(B);
        pump();
        assertThat(er.lines).containsExactly("refused peer: UNKNOWN_IDENTITY");
        assertThat(ei.lines).containsExactly("refused by peer: UNKNOWN_IDENTITY");
        assertThat(init.state()).isEqualTo(Initiator.State.FAILED);
        assertThat(er.boundTo).isNull();
    }

    @Test
    void disabledIdentityIsRefused() throws Exception {
        signed(true, false);
        init.start(B);
        pump();
        assertThat(er.lines).containsExactly("refused peer: DISABLED_IDENTITY");
        assertThat(ei.lines).containsExactly("refused by peer: DISABLED_IDENTITY");
    }

    @Test
    void differentKeyClaimingThePinnedIdentityFailsTheSignature() throws Exception {
        signed(true, true);
        SoftIdentity impostor = new SoftIdentity();
        LocalIdentity claimsPinnedId = new LocalIdentity() {
            public byte[] identityId() {
                return idI.id.clone();
            }

            public boolean canSign() {
                return true;
            }

            public byte[] sign(byte[] t) {
                return impostor.sign(t);
            }
        };
        Pins pi = new Pins().pin(idR.id, idR.pair.getPublic(), true, "pi5");
        init = new Initiator(
                config(HandshakeMode.SIGNED, controlSlot(1), claimsPinnedId, pi, null, null, clock),
                net.endpoint(A),
                ei,
                ci);
        init.start(B);
        pump();
        assertThat(er.lines).containsExactly("refused peer: BAD_SIGNATURE");
        assertThat(ei.lines).containsExactly("established " + B, "refused by peer: BAD_SIGNATURE");
        assertThat(er.boundTo).isNull();
    }

    @Test
    void responderWithWrongKeyIsRefusedByTheInitiator() throws Exception {
        signed(true, true);
        SoftIdentity other = new SoftIdentity();
        Pins pi = new Pins().pin(idR.id, other.pair.getPublic(), true, "pi5");
        init = new Initiator(
                config(HandshakeMode.SIGNED, controlSlot(1), idI, pi, null, null, clock), net.endpoint(A), ei, ci);
        init.start(B);
        pump();
        assertThat(ei.lines).containsExactly("refused peer: BAD_SIGNATURE");
        assertThat(er.lines).containsExactly("refused by peer: BAD_SIGNATURE");
        assertThat(resp.inFlight()).isZero();
    }

    @Test
    void serialAllowlistIsEnforced() {
        byte[] serial = new byte[8];
        Arrays.fill(serial, (byte) 7);
        Pins allow = new Pins().allowSerial(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        build(
                config(
                        HandshakeMode.PSK,
                        controlSlot(1),
                        LocalIdentity.none(serial),
                        PeerTrust.any(),
                        null,
                        null,
                        clock),
                config(HandshakeMode.PSK, controlSlot(1), LocalIdentity.none(new byte[0]), allow, null, null, clock));
        init.start(B);
        pump();
        assertThat(er.lines).containsExactly("refused peer: SERIAL_NOT_ALLOWED");
        allow.allowSerial(serial);
        init.start(B);
        pump();
        assertThat(er.boundTo).isEqualTo(A);
    }

    @Test
    void quoteIsCheckedAgainstTranscriptNonceAndFragmentedWhenLarge() throws Exception {
        idI = new SoftIdentity();
        idR = new SoftIdentity();
        byte[][] seenNonce = new byte[1][];
        QuoteSource tpm = nonce -> {
            seenNonce[0] = nonce;
            byte[] attest = new byte[1000];
            System.arraycopy(nonce, 0, attest, 0, 32);
            return new QuoteSection(attest, new byte[300], new byte[256]);
        };
        boolean[] accept = {true};
        QuoteChecker policy = (id, nonce, q) -> Arrays.equals(Arrays.copyOf(q.attest(), 32), nonce) && accept[0]
                ? null
                : "PCR 7 differs from the policy";
        Pins pi = new Pins().pin(idR.id, idR.pair.getPublic(), true, "pi5");
        Pins pr = new Pins().pin(idI.id, idI.pair.getPublic(), true, "laptop");
        build(
                config(HandshakeMode.ATTESTED, controlSlot(1), idI, pi, tpm, null, clock),
                config(HandshakeMode.ATTESTED, controlSlot(1), idR, pr, null, policy, clock));
        init.start(B);
        pump();
        assertThat(net.ofType(HandshakeWire.TYPE_FRAGMENT)).hasSize(2);
        assertThat(er.boundTo).isEqualTo(A);
        byte[] h = net.ofType(HandshakeWire.TYPE_HELLO).getLast().bytes();
        byte[] w = net.ofType(HandshakeWire.TYPE_WELCOME).getFirst().bytes();
        byte[] t = new Transcript(
                        Arrays.copyOfRange(h, 8, 16),
                        Arrays.copyOfRange(h, 16, 48),
                        Arrays.copyOfRange(w, 48, 80),
                        Arrays.copyOfRange(h, 96, 128),
                        Arrays.copyOfRange(w, 128, 160),
                        idI.id,
                        idR.id,
                        HandshakeKeys.fromControlSlot(controlSlot(1)).padFingerprint(),
                        new byte[0],
                        new byte[0],
                        h[HandshakeWire.OFF_FLAGS],
                        w[HandshakeWire.OFF_FLAGS],
                        w[HandshakeWire.WELCOME_OFF_EPOCH])
                .encode(HandshakeWire.ROLE_INITIATOR);
        assertThat(seenNonce[0]).isEqualTo(Transcript.quoteNonce(t, idI.id));
        accept[0] = false;
        init.start(B);
        pump();
        assertThat(er.lines).contains("refused peer: QUOTE_REJECTED");
        assertThat(ei.lines).contains("refused by peer: QUOTE_REJECTED");
    }

    @Test
    void missingQuoteIsRefused() throws Exception {
        idI = new SoftIdentity();
        idR = new SoftIdentity();
        Pins pi = new Pins().pin(idR.id, idR.pair.getPublic(), true, "pi5");
        Pins pr = new Pins().pin(idI.id, idI.pair.getPublic(), true, "laptop");
        build(
                config(HandshakeMode.SIGNED, controlSlot(1), idI, pi, null, null, clock),
                config(HandshakeMode.ATTESTED, controlSlot(1), idR, pr, null, (i, n, q) -> null, clock));
        init.start(B);
        pump();
        assertThat(er.lines).containsExactly("refused peer: MISSING_QUOTE");
    }

    @Test
    void helloReplayFloodFrom64AddressesLeavesNoStateAndTheInitiatorStillCompletes() throws Exception {
        signed(true, true);
        init.start(B);
        pump();
        byte[] captured = net.ofType(HandshakeWire.TYPE_HELLO).getLast().bytes(); // carries A's cookie
        int signatures = idR.signatures;
        net.log.clear();
        for (int round = 0; round < 5; round++) {
            for (int host = 1; host <= 64; host++) {
                InetSocketAddress spoofed = new InetSocketAddress("10.8.0." + host, 51820);
                assertThat(resp.receive(spoofed, captured, captured.length)).isEqualTo(HandshakeDrop.COOKIE_SENT);
            }
        }
        assertThat(resp.inFlight()).isZero();
        assertThat(idR.signatures).isEqualTo(signatures);
        assertThat(net.log).allSatisfy(d -> assertThat(d.bytes().length).isLessThan(captured.length));
        net.queue.clear();
        // The legitimate initiator is not kept out: a fresh handshake completes at once.
        int before = er.establishedCount;
        init.start(B);
        pump();
        assertThat(er.establishedCount).isEqualTo(before + 1);
        assertThat(init.state()).isEqualTo(Initiator.State.ESTABLISHED);
    }

    @Test
    void rateLimitAndInFlightBoundHoldForSourcesThatProveTheirAddress() {
        psk(1, 1);
        HandshakeKeys keys = HandshakeKeys.fromControlSlot(controlSlot(1));
        HandshakeMac mac = new HandshakeMac(keys);
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            if (resp.receive(EVIL, helloWithCookie(mac, keys, EVIL, i), HandshakeWire.HELLO_BYTES) == null) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(HandshakeWire.RATE_BURST);
        assertThat(cr.drops(HandshakeDrop.RATE_LIMITED)).isPositive();
        for (int host = 1; host <= 100; host++) {
            InetSocketAddress src = new InetSocketAddress("10.8.0." + host, 7000);
            resp.receive(src, helloWithCookie(mac, keys, src, 1000 + host), HandshakeWire.HELLO_BYTES);
        }
        assertThat(resp.inFlight()).isEqualTo(HandshakeWire.MAX_HANDSHAKES_IN_FLIGHT);
        assertThat(cr.drops(HandshakeDrop.TOO_MANY_IN_FLIGHT)).isPositive();
    }

    /** A pad holder who receives at {@code src}: asks for the cookie, then sends a HELLO carrying it. */
    byte[] helloWithCookie(HandshakeMac mac, HandshakeKeys keys, InetSocketAddress src, int session) {
        byte[] sid = java.nio.ByteBuffer.allocate(8).putLong(session).array();
        byte[] nonce = new byte[32];
        nonce[0] = (byte) session;
        byte[] eph = dev.psk
                .tunnel
                .crypto
                .X25519
                .publicKey(dev.psk.tunnel.crypto.X25519.generatePrivateKey())
                .bytes();
        HelloMessage bare =
                new HelloMessage(0, sid, nonce, new byte[8], keys.padFingerprint(), new byte[0], eph, new byte[16]);
        byte[] m = bare.encode(mac);
        net.queue.clear();
        resp.receive(src, m, m.length);
        byte[] cookie = Arrays.copyOfRange(
                net.queue.poll().bytes(), HandshakeWire.COOKIE_OFF_COOKIE, HandshakeWire.COOKIE_OFF_COOKIE + 16);
        net.queue.clear();
        return new HelloMessage(0, sid, nonce, new byte[8], keys.padFingerprint(), new byte[0], eph, cookie)
                .encode(mac);
    }

    /** An active pad thief (it can MAC) replaces e_i or strips a demand: the signatures catch both. */
    @Test
    void padThiefCannotSubstituteTheEphemeralKeyOrTheFlagsInSignedMode() throws Exception {
        HandshakeMac thief = new HandshakeMac(HandshakeKeys.fromControlSlot(controlSlot(1)));
        for (int attack = 0; attack < 2; attack++) {
            signed(true, true);
            startWithCookie();
            byte[] hello = net.queue.poll().bytes();
            if (attack == 0) {
                byte[] mine = dev.psk
                        .tunnel
                        .crypto
                        .X25519
                        .publicKey(dev.psk.tunnel.crypto.X25519.generatePrivateKey())
                        .bytes();
                System.arraycopy(mine, 0, hello, HandshakeWire.HELLO_OFF_EPHEMERAL, 32);
            } else {
                hello[HandshakeWire.OFF_FLAGS] = 0; // strip WANT_SIGNATURE
            }
            thief.seal(hello, hello.length, HandshakeWire.ROLE_INITIATOR);
            assertThat(resp.receive(A, hello, hello.length)).isNull();
            pump();
            assertThat(ei.lines).as("attack %d", attack).containsExactly("refused peer: BAD_SIGNATURE");
            assertThat(ei.sessionSecret).isNull();
            assertThat(er.sessionSecret).isNull();
            ei.lines.clear();
            er.lines.clear();
        }
    }

    @Test
    void initiatorRetriesAreBoundedThenFails() {
        psk(1, 1);
        init.start(B);
        net.queue.clear();
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(5));
            init.tick();
        }
        assertThat(net.ofType(HandshakeWire.TYPE_HELLO)).hasSize(HandshakeWire.INITIATOR_MAX_ATTEMPTS);
        assertThat(init.state()).isEqualTo(Initiator.State.FAILED);
        assertThat(ei.lines.getLast()).startsWith("failed: no valid WELCOME");
    }

    @Test
    void welcomeWithWrongPadFingerprintIsNamedNotCountedAsForgery() {
        psk(1, 1);
        startWithCookie();
        resp.receive(A, net.queue.peek().bytes(), net.queue.poll().bytes().length);
        byte[] w = net.queue.poll().bytes();
        w[HandshakeWire.WELCOME_OFF_PAD_FP] ^= 1;
        assertThat(init.receive(B, w, w.length)).isEqualTo(HandshakeDrop.PAD_MISMATCH);
        assertThat(ei.lines).containsExactly("peer uses a different pad");
    }
}
